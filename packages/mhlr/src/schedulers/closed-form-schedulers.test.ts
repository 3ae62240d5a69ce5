import { describe, expect, it } from 'vitest';

import { InvalidOptionError, InvalidStateError } from '../errors';
import { ConstantScheduler } from './constant-scheduler';
import { CosineWarmupScheduler } from './cosine-warmup-scheduler';
import { MultiStepScheduler } from './multi-step-scheduler';
import { PolynomialWarmupScheduler } from './polynomial-warmup-scheduler';
import { restoreScheduler } from './restore-scheduler';
import { StepScheduler } from './step-scheduler';

/** The rates of iterations 0..n−1 as seen through step(): lr before each call. */
function sequence(s: { lr: number; step(): number }, n: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    out.push(s.lr);
    s.step();
  }
  return out;
}

describe('closed-form baselines (reference/mhlr.md §7)', () => {
  it('ConstantScheduler never moves', () => {
    expect(sequence(new ConstantScheduler({ lr: 0.3 }), 4)).toEqual([0.3, 0.3, 0.3, 0.3]);
  });

  it('StepScheduler: KDCTime StepLR (72 epochs, γ 0.5) — 1e-3 until epoch 71, 1e-3/2⁷ at 504–511', () => {
    const s = new StepScheduler({ lr: 1e-3, stepSize: 72, gamma: 0.5 });
    expect(s.lrAt(0)).toBe(1e-3);
    expect(s.lrAt(71)).toBe(1e-3);
    expect(s.lrAt(72)).toBe(5e-4);
    expect(s.lrAt(504)).toBeCloseTo(7.8125e-6, 18);
    expect(s.lrAt(511)).toBeCloseTo(7.8125e-6, 18);
  });

  it('MultiStepScheduler: γ^(milestones ≤ t), X2-Softmax milestones, face.evoLVe warm-up', () => {
    const s = new MultiStepScheduler({ lr: 0.1, milestones: [8, 14, 20, 25], gamma: 0.1 });
    expect([0, 7, 8, 13, 14, 20, 25, 30].map((t) => s.lrAt(t))).toEqual(
      [0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 ** 2, 0.1 * 0.1 ** 3, 0.1 * 0.1 ** 4, 0.1 * 0.1 ** 4].map(
        (v): unknown => expect.closeTo(v, 15),
      ),
    );
    const warm = new MultiStepScheduler({ lr: 0.1, milestones: [35, 65, 95], warmupSteps: 4 });
    expect(sequence(warm, 6)).toEqual(
      [0.025, 0.05, 0.075, 0.1, 0.1, 0.1].map((v): unknown => expect.closeTo(v, 15)),
    );
    expect(() => new MultiStepScheduler({ lr: 0.1, milestones: [5, 5] })).toThrow(/strictly increasing/);
  });

  it('PolynomialWarmupScheduler: power 1 and 2 against the closed form, 0 at and after T', () => {
    const p1 = new PolynomialWarmupScheduler({ lr: 0.1, warmupSteps: 10, totalSteps: 100 });
    // l ≤ w: lr₀·l/w; l > w: lr₀·(1 − (l − w)/(T − w))^p, worked by hand.
    expect([0, 5, 10, 55, 91, 100, 150].map((t) => p1.lrAt(t))).toEqual(
      [0, 0.05, 0.1, 0.05, 0.01, 0, 0].map((v): unknown => expect.closeTo(v, 15)),
    );
    const p2 = new PolynomialWarmupScheduler({ lr: 0.1, warmupSteps: 10, totalSteps: 100, power: 2 });
    expect([55, 91].map((t) => p2.lrAt(t))).toEqual(
      [0.025, 0.001].map((v): unknown => expect.closeTo(v, 15)),
    );
    const noWarmup = new PolynomialWarmupScheduler({ lr: 0.2, totalSteps: 4 });
    expect(sequence(noWarmup, 5)).toEqual(
      [0.2, 0.15, 0.1, 0.05, 0].map((v): unknown => expect.closeTo(v, 15)),
    );
  });

  it('PolynomialWarmupScheduler firstStepFullLr: arcface_torch runs iteration 0 at the full lr₀', () => {
    const s = new PolynomialWarmupScheduler({
      lr: 0.1,
      warmupSteps: 4,
      totalSteps: 20,
      firstStepFullLr: true,
    });
    expect(sequence(s, 3)).toEqual([0.1, 0.025, 0.05]);
  });

  it('CosineWarmupScheduler: warm-up from warmupInit, cosine to minLr, warmupPrefix shifts the cosine', () => {
    const s = new CosineWarmupScheduler({
      lr: 1,
      totalSteps: 100,
      warmupSteps: 10,
      warmupInit: 0.1,
      minLr: 0.01,
    });
    expect(s.lrAt(0)).toBeCloseTo(0.1, 15);
    expect(s.lrAt(5)).toBeCloseTo(0.55, 15);
    expect(s.lrAt(50)).toBeCloseTo(0.01 + 0.5 * 0.99, 15); // cos(π/2) = 0
    expect(s.lrAt(100)).toBeCloseTo(0.01, 15);
    expect(s.lrAt(200)).toBeCloseTo(0.01, 15);
    const prefix = new CosineWarmupScheduler({ lr: 1, totalSteps: 110, warmupSteps: 10, warmupPrefix: true });
    expect(prefix.lrAt(10)).toBeCloseTo(1, 15);
    expect(prefix.lrAt(60)).toBeCloseTo(0.5, 15);
    expect(prefix.lrAt(35)).toBeCloseTo(0.5 * (1 + Math.SQRT1_2), 15); // cos(π/4)
  });

  it('rejects unknown options and impossible settings by name', () => {
    expect(() => new StepScheduler({ lr: 1, stepSize: 0 })).toThrow(/'stepSize'/);
    expect(() => new ConstantScheduler({ lr: 1, gamma: 2 } as never)).toThrow(InvalidOptionError);
    expect(() => new PolynomialWarmupScheduler({ lr: 1, totalSteps: 10, warmupSteps: 10 })).toThrow(
      /'warmupSteps'/,
    );
    expect(() => new CosineWarmupScheduler({ lr: 1, totalSteps: 10, minLr: 2 })).toThrow(/'minLr'/);
  });

  it('every closed-form schedule round-trips through JSON and continues identically', () => {
    const schedulers = [
      new ConstantScheduler({ lr: 0.3 }),
      new StepScheduler({ lr: 1e-3, stepSize: 7, gamma: 0.5 }),
      new MultiStepScheduler({ lr: 0.1, milestones: [3, 9], warmupSteps: 2 }),
      new PolynomialWarmupScheduler({
        lr: 0.1,
        totalSteps: 30,
        warmupSteps: 5,
        power: 2,
        firstStepFullLr: true,
      }),
      new CosineWarmupScheduler({ lr: 0.1, totalSteps: 30, warmupSteps: 5, warmupPrefix: true, minLr: 1e-3 }),
    ];
    for (const a of schedulers) {
      sequence(a, 11);
      const b = restoreScheduler(JSON.parse(JSON.stringify(a)));
      expect(b.kind).toBe(a.kind);
      expect(b.stepCount).toBe(11);
      expect(sequence(b, 25)).toEqual(sequence(a, 25));
    }
    expect(() => restoreScheduler({ kind: 'Nope' })).toThrow(InvalidStateError);
    expect(() =>
      StepScheduler.fromJSON({ kind: 'StepScheduler', version: 1, options: {}, state: { stepCount: -1 } }),
    ).toThrow(/stepCount/);
  });
});
