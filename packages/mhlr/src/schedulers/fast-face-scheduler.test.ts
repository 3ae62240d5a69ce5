import { describe, expect, it } from 'vitest';

import { decisions, noisyLoss, series } from '../../test/helpers';
import { InvalidOptionError, NonFiniteLossError } from '../errors';
import { FAST_FACE_EARLY_PRESET, FastFaceScheduler } from './fast-face-scheduler';

// Expected decision indices: reference/mhlr.md §4.4.
describe('FastFaceScheduler (MHLR v2)', () => {
  it('constant loss, T = 1000 (P = 50): eight halvings 51 apart, nothing after, lr₀/256 (§4.4 row 1)', () => {
    const s = new FastFaceScheduler({ lr: 0.02, totalSteps: 1000 });
    expect(s.patience).toBe(50);
    expect(
      decisions(
        s,
        series(1000, () => 4),
      ),
    ).toEqual([51, 102, 153, 204, 255, 306, 357, 408].map((t) => [t, 0.5]));
    expect(s.lr).toBe(0.02 / 256);
    expect(s.decayCount).toBeGreaterThan(8); // keeps counting without effect
  });

  it('falling-then-flat staircase, T = 40000 (P = 2000) (§4.4 row 2)', () => {
    const s = new FastFaceScheduler({ lr: 0.02, totalSteps: 40_000 });
    const loss = (t: number) => (t < 20_000 ? 100 - 1e-3 * t : 80);
    expect(decisions(s, series(40_000, loss))).toEqual(
      [26_741, 28_742, 30_743, 32_744, 34_745, 36_746, 38_747].map((t) => [t, 0.5]),
    );
  });

  it('a steady slope of 1e-4 never triggers; D first reaches λ at t = 693 (§4.4 row 3)', () => {
    const s = new FastFaceScheduler({ lr: 0.02, totalSteps: 30_000 });
    let firstAbove = -1;
    const got = decisions(s, {
      *[Symbol.iterator]() {
        for (let t = 0; t < 30_000; t++) {
          yield 100 - 1e-4 * t;
          if (firstAbove < 0 && (s.slopeEstimate ?? 0) >= 5e-5) firstAbove = t;
        }
      },
    });
    expect(got).toEqual([]);
    expect(firstAbove).toBe(693);
    expect(s.slopeEstimate).toBeCloseTo(1e-4, 9);
  });

  it('matches the two-EMA form of the same detector (class MHLR1) after the start-up transient', () => {
    const alpha = 1e-3;
    const beta = 1e-3;
    const s = new FastFaceScheduler({ lr: 1, totalSteps: 30_000 });
    const f = noisyLoss(11);
    let previous = 0;
    let e = 0;
    let d = 0;
    for (let t = 0; t < 30_000; t++) {
      const loss = f(t);
      s.step(loss);
      if (t === 1) {
        e = alpha * (previous - loss);
        d = e;
      } else if (t > 1) {
        e = (1 - alpha) * e + alpha * (previous - loss);
        d = beta * e + (1 - beta) * d;
      }
      previous = loss;
      // The two forms differ only in how they start; the difference dies out like t·(1 − α)^t.
      if (t > 25_000) expect(Math.abs(s.slopeEstimate! - d)).toBeLessThan(1e-10);
    }
  });

  it('regression for the first-commit bug (7279bad): one trigger then a falling loss changes the rate once', () => {
    const s = new FastFaceScheduler({ lr: 0.02, totalSteps: 1000 });
    const loss = (t: number) => (t < 60 ? 10 : 10 - 0.1 * (t - 60));
    expect(decisions(s, series(260, loss))).toEqual([[51, 0.5]]);
    // The slope recovered: the patience counter was reset and stays at 0 while D ≥ λ.
    expect(s.slopeEstimate!).toBeGreaterThan(5e-5);
    expect(s.signal.counter).toBe(0);
  });

  it('non-consecutive plateau iterations do not accumulate (reset on any D ≥ λ)', () => {
    // P = 10; alternating slope so that D crosses λ every few iterations never reaches P + 1 in a row.
    const s = new FastFaceScheduler({ lr: 1, patience: 10, alpha: 0.5, beta: 0.5, lambda: 0.05 });
    const loss = (t: number) => 100 - 0.3 * Math.floor(t / 8) * 8 - (t % 8 < 4 ? 0.3 * (t % 8) : 0.9);
    const got = decisions(s, series(400, loss));
    expect(got).toEqual([]);
  });

  it('ignoreFirst keeps the start-up transient from counting as plateau', () => {
    const s = new FastFaceScheduler({ lr: 1, totalSteps: 1000, ignoreFirst: 100 });
    expect(
      decisions(
        s,
        series(200, () => 4),
      ),
    ).toEqual([[150, 0.5]]);
  });

  it('the early preset (λ = 4e-5, τ = 0.04) gives P = ⌊0.04·T⌋', () => {
    const s = new FastFaceScheduler({ lr: 1, totalSteps: 1000, ...FAST_FACE_EARLY_PRESET });
    expect(s.patience).toBe(40);
    expect(s.signal.threshold).toBe(4e-5);
    expect(
      decisions(
        s,
        series(100, () => 1),
      ),
    ).toEqual([
      [41, 0.5],
      [82, 0.5],
    ]);
  });

  it('delayed: true applies each decision one iteration later', () => {
    const s = new FastFaceScheduler({ lr: 1, totalSteps: 1000, delayed: true });
    expect(
      decisions(
        s,
        series(120, () => 4),
      ),
    ).toEqual([
      [52, 0.5],
      [103, 0.5],
    ]);
  });

  it('refuses non-finite losses naming the step; skip leaves the detector untouched', () => {
    const s = new FastFaceScheduler({ lr: 1, totalSteps: 1000 });
    s.step(1);
    expect(() => s.step(Number.NaN)).toThrow(NonFiniteLossError);
    try {
      s.step(Number.NEGATIVE_INFINITY);
    } catch (error) {
      expect((error as NonFiniteLossError).step).toBe(1);
    }
    const skipping = new FastFaceScheduler({ lr: 1, totalSteps: 1000, onNonFinite: 'skip' });
    const reference = new FastFaceScheduler({ lr: 1, totalSteps: 1000 });
    const f = noisyLoss(5);
    for (let t = 0; t < 300; t++) {
      const loss = f(t);
      if (t === 100) skipping.step(Number.NaN);
      skipping.step(loss);
      reference.step(loss);
    }
    expect(skipping.slopeEstimate).toBe(reference.slopeEstimate);
    expect(skipping.lr).toBe(reference.lr);
  });

  it('rejects unknown and invalid options by name', () => {
    expect(() => new FastFaceScheduler({ lr: 1, totalSteps: 10, lamda: 1 } as never)).toThrow(
      InvalidOptionError,
    );
    expect(() => new FastFaceScheduler({ lr: 1 })).toThrow(/'totalSteps'/);
    expect(() => new FastFaceScheduler({ lr: 1, totalSteps: 10, alpha: 0 })).toThrow(/'alpha'/);
  });

  it('serialises mid-run and the restored copy continues with the identical sequence', () => {
    const f = noisyLoss(9);
    const losses = [...series(6000, (t) => (t < 2000 ? f(t) : 0.4 + (0.05 * ((t * 7919) % 13)) / 13))];
    // Fast EMAs so that the short run sees several decays and resets.
    const a = new FastFaceScheduler({ lr: 0.02, totalSteps: 6000, alpha: 0.05, beta: 0.05, lambda: 1e-3 });
    for (const loss of losses.slice(0, 2500)) a.step(loss);
    const b = FastFaceScheduler.fromJSON(JSON.parse(JSON.stringify(a)));
    const rest = losses.slice(2500);
    const seqA = rest.map((l) => [a.step(l), a.slopeEstimate]);
    const seqB = rest.map((l) => [b.step(l), b.slopeEstimate]);
    expect(seqB).toEqual(seqA);
    expect(a.lr).toBeLessThan(0.02);
  });
});
