import type { LrScheduler } from '../src/schedulers/lr-scheduler';

/** Feeds `losses` and returns every change as [decision index, multiplier]. */
export function decisions(scheduler: LrScheduler, losses: Iterable<number>): [number, number][] {
  const out: [number, number][] = [];
  let t = 0;
  for (const loss of losses) {
    const before = scheduler.lr;
    const after = scheduler.step(loss);
    if (after !== before) out.push([t, after / before]);
    t++;
  }
  return out;
}

/** `n` losses from a function of the iteration index. */
export function* series(n: number, f: (t: number) => number): Generator<number> {
  for (let t = 0; t < n; t++) yield f(t);
}

/** A small deterministic noise source (LCG), for serialisation round-trips. */
export function noisyLoss(seed: number): (t: number) => number {
  let state = seed >>> 0;
  return (t) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return 5 * Math.exp(-t / 400) + 0.3 * (state / 2 ** 32);
  };
}
