// Cost of one scheduler step() call: MHLR v1 (running sums, so O(1) in the window) at several windows,
// versus FastFace. Prints one JSON line per figure. Timings are wall-clock and noisy on shared machines.
import { FastFaceScheduler, MovingHaarScheduler, type LrScheduler } from '../src/index';

const CALLS = 2_000_000;

function measure(make: () => LrScheduler): number {
  const losses = new Float64Array(4096).map((_, i) => 5 + Math.sin(i) * 0.1);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const scheduler = make();
    const start = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) scheduler.step(losses[i & 4095]);
    const ns = Number(process.hrtime.bigint() - start) / CALLS;
    best = Math.min(best, ns);
  }
  return best;
}

const figures: [string, () => LrScheduler][] = [
  ['MovingHaarScheduler window=100', () => new MovingHaarScheduler({ lr: 0.02, window: 100 })],
  ['MovingHaarScheduler window=4000', () => new MovingHaarScheduler({ lr: 0.02, window: 4000 })],
  ['MovingHaarScheduler window=100000', () => new MovingHaarScheduler({ lr: 0.02, window: 100_000 })],
  ['FastFaceScheduler', () => new FastFaceScheduler({ lr: 0.02, totalSteps: CALLS })],
];
for (const [name, make] of figures) {
  console.log(
    JSON.stringify({
      bench: 'scheduler-step',
      name,
      calls: CALLS,
      nsPerCall: Number(measure(make).toFixed(1)),
    }),
  );
}
