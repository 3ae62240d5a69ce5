import { describe, expect, it } from 'vitest';

import { decisions, noisyLoss, series } from '../../test/helpers';
import { InvalidOptionError, NonFiniteLossError } from '../errors';
import { MovingHaarScheduler } from './moving-haar-scheduler';

// Expected decision indices: reference/mhlr.md §3.6 (rule 3.3, m = 10, first MA at i = m → faithfulStart).
const CONSTANT_EXPECTED: [number, number][] = [
  [40, 0.5],
  [61, 0.5],
  [82, 0.5],
  [103, 4],
  [124, 0.5],
  [145, 0.5],
  [166, 0.5],
  [187, 4],
  [208, 0.5],
  [229, 0.5],
];

describe('MovingHaarScheduler (MHLR v1)', () => {
  const faithful = () => new MovingHaarScheduler({ lr: 1, window: 10, faithfulStart: true });

  it('halves 2m + 1 apart on a constant loss and rebounds ×4 after three halvings (§3.6 row 1)', () => {
    expect(
      decisions(
        faithful(),
        series(240, () => 3),
      ),
    ).toEqual(CONSTANT_EXPECTED);
  });

  it('fires at the predicted indices on a falling-then-flat staircase (§3.6 row 2)', () => {
    const loss = (i: number) => (i < 100 ? 10 - 0.1 * i : 0);
    expect(decisions(faithful(), series(300, loss))).toEqual([
      [133, 0.5],
      [154, 0.5],
      [175, 0.5],
      [196, 4],
      [217, 0.5],
      [238, 0.5],
      [259, 0.5],
      [280, 4],
    ]);
  });

  it('treats a slope with H = s·m/4 below the threshold as plateau and above it as progress (§3.6 rows 3–4)', () => {
    expect(
      decisions(
        faithful(),
        series(240, (i) => 10 - 0.02 * i),
      ),
    ).toEqual(CONSTANT_EXPECTED);
    expect(
      decisions(
        faithful(),
        series(400, (i) => 10 - 0.03 * i),
      ),
    ).toEqual([]);
    const s = new MovingHaarScheduler({ lr: 1, window: 10 });
    for (let i = 0; i < 50; i++) s.step(10 - 0.03 * i);
    expect(s.haarResponse).toBeCloseTo((0.03 * 10) / 4, 12);
  });

  it('starts one iteration earlier without the faithful off-by-one', () => {
    const s = new MovingHaarScheduler({ lr: 1, window: 10 });
    expect(
      decisions(
        s,
        series(240, () => 3),
      ),
    ).toEqual(CONSTANT_EXPECTED.map(([t, w]) => [t - 1, w]));
  });

  it('reboundAfter: 2 gives the literal commented-code pattern ½, ½, ×4', () => {
    const s = new MovingHaarScheduler({ lr: 1, window: 10, faithfulStart: true, reboundAfter: 2 });
    expect(
      decisions(
        s,
        series(130, () => 3),
      ),
    ).toEqual([
      [40, 0.5],
      [61, 0.5],
      [82, 4],
      [103, 0.5],
      [124, 0.5],
    ]);
  });

  it('a falling stretch resets both counters: three fresh halvings before the next ×4', () => {
    // Flat until two halvings (40, 61), then a steep fall long enough to push H above the threshold.
    const loss = (i: number) => (i < 70 ? 10 : i < 110 ? 10 - 0.2 * (i - 70) : 2);
    const s = faithful();
    const got = decisions(s, series(400, loss));
    expect(got.slice(0, 2)).toEqual([
      [40, 0.5],
      [61, 0.5],
    ]);
    expect(got.slice(2, 6).map(([, w]) => w)).toEqual([0.5, 0.5, 0.5, 4]);
    // After the reset the next trigger needs 2m + 1 plateau iterations again, so gaps are >= 21.
    expect(got[2]![0] - got[1]![0]).toBeGreaterThan(21);
  });

  it('matches the O(m) definition of MA and H on a noisy loss (running sums)', () => {
    const m = 8;
    const s = new MovingHaarScheduler({ lr: 1, window: m });
    const f = noisyLoss(7);
    const L: number[] = [];
    for (let i = 0; i < 500; i++) {
      L.push(f(i));
      s.step(L[i]);
      const ma = (j: number) => L.slice(j - m + 1, j + 1).reduce((a, b) => a + b, 0) / m;
      if (i >= m - 1) expect(s.movingAverage).toBeCloseTo(ma(i), 12);
      else expect(s.movingAverage).toBeNull();
      if (i >= 2 * m - 1) {
        let older = 0;
        let newer = 0;
        for (let j = i - m; j <= i - m / 2 - 1; j++) older += ma(j);
        for (let j = i - m / 2; j <= i - 1; j++) newer += ma(j);
        expect(s.haarResponse).toBeCloseTo((older - newer) / m, 12);
      } else {
        expect(s.haarResponse).toBeNull();
      }
    }
  });

  it('MS1MV3 timing: first halving at 4m, triggers exactly 2m + 1 = 8001 apart on a plateau (§3.5)', () => {
    const s = new MovingHaarScheduler({ lr: 0.02, window: 4000, faithfulStart: true });
    const got = decisions(
      s,
      series(50_000, () => 1.5),
    );
    expect(got.map(([t]) => t)).toEqual([16_000, 24_001, 32_002, 40_003, 48_004]);
    expect(got.map(([, w]) => w)).toEqual([0.5, 0.5, 0.5, 4, 0.5]);
    expect(s.lr).toBeCloseTo(0.02 / 4, 15);
  });

  it('derives m = ⌊0.015·T⌋ from totalSteps (WebFace4M: 2481) and a custom fraction', () => {
    expect(new MovingHaarScheduler({ lr: 0.02, totalSteps: 165_435 }).window).toBe(2481);
    expect(new MovingHaarScheduler({ lr: 0.02, totalSteps: 1000, windowFraction: 0.02 }).window).toBe(20);
    expect(() => new MovingHaarScheduler({ lr: 0.02 })).toThrow(/window.*required/);
  });

  it('odd windows still fire 2m + 1 apart on a flat loss', () => {
    const s = new MovingHaarScheduler({ lr: 1, window: 7 });
    const got = decisions(
      s,
      series(100, () => 2),
    );
    // First response at 2m − 1 = 13, counter exceeds 2m = 14 at 27, then every 2m + 1 = 15.
    expect(got.map(([t]) => t)).toEqual([27, 42, 57, 72, 87]);
  });

  it('delayed: true applies each decision one iteration later', () => {
    const s = new MovingHaarScheduler({ lr: 1, window: 10, faithfulStart: true, delayed: true });
    expect(
      decisions(
        s,
        series(110, () => 3),
      ),
    ).toEqual(CONSTANT_EXPECTED.slice(0, 4).map(([t, w]) => [t + 1, w]));
  });

  it('refuses NaN/Infinity with the step index, or skips them when asked', () => {
    const s = new MovingHaarScheduler({ lr: 1, window: 4 });
    s.step(1);
    s.step(2);
    expect(() => s.step(Number.NaN)).toThrow(NonFiniteLossError);
    expect(() => s.step(Number.POSITIVE_INFINITY)).toThrow(/step 2 received a non-finite value \(Infinity\)/);

    const skipping = new MovingHaarScheduler({ lr: 1, window: 10, onNonFinite: 'skip' });
    const withNaN = [...series(120, () => 3)];
    withNaN.splice(30, 0, Number.NaN);
    const got = decisions(skipping, withNaN);
    expect(got.map(([t, w]) => [t > 30 ? t - 1 : t, w])).toEqual(
      decisions(
        new MovingHaarScheduler({ lr: 1, window: 10 }),
        series(120, () => 3),
      ),
    );
    expect(skipping.skippedSteps).toBe(1);
    expect(skipping.movingAverage).toBe(3);
  });

  it('rejects unknown and invalid options by name', () => {
    expect(() => new MovingHaarScheduler({ lr: 1, window: 10, treshold: 0.1 } as never)).toThrow(
      InvalidOptionError,
    );
    expect(() => new MovingHaarScheduler({ lr: 1, window: 10, treshold: 0.1 } as never)).toThrow(
      /'treshold'/,
    );
    expect(() => new MovingHaarScheduler({ lr: -1, window: 10 })).toThrow(/'lr'/);
    expect(() => new MovingHaarScheduler({ lr: 1, window: 1 })).toThrow(/'window'/);
  });

  it('serialises mid-run and the restored copy continues with the identical sequence', () => {
    const f = noisyLoss(3);
    const losses = [...series(3000, (t) => (t < 1500 ? f(t) : 0.5 + 0.01 * Math.sin(t)))];
    const a = new MovingHaarScheduler({ lr: 0.1, window: 50, delayed: true });
    for (const loss of losses.slice(0, 1234)) a.step(loss);
    const b = MovingHaarScheduler.fromJSON(JSON.parse(JSON.stringify(a)));
    expect(b.toJSON()).toEqual(a.toJSON());
    const rest = losses.slice(1234);
    const seqA = rest.map((l) => [a.step(l), a.haarResponse, a.signal.counter]);
    const seqB = rest.map((l) => [b.step(l), b.haarResponse, b.signal.counter]);
    expect(seqB).toEqual(seqA);
    expect(new Set(seqA.map(([lr]) => lr)).size).toBeGreaterThan(2);
  });
});
