import { describe, expect, it } from 'vitest';

import { NonFiniteLossError } from '../errors';
import { INCEPTION_TIME_PLATEAU, ReduceLROnPlateau } from './reduce-lr-on-plateau';

// Hand-worked from the Keras ReduceLROnPlateau rule (reference/mhlr.md §7.5).
describe('ReduceLROnPlateau (Keras semantics)', () => {
  it('reduces after `patience` non-improving steps and restarts the count', () => {
    const s = new ReduceLROnPlateau({ lr: 1, factor: 0.5, patience: 2, minDelta: 0 });
    // values:   1 (best)  1 (wait 1)  1 (wait 2 → 0.5)  0.9 (best)  0.95 (w1)  0.9 (w2 → 0.25)
    expect([1, 1, 1, 0.9, 0.95, 0.9].map((v) => s.step(v))).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25]);
    expect(s.bestValue).toBe(0.9);
  });

  it('needs an improvement larger than minDelta', () => {
    const s = new ReduceLROnPlateau({ lr: 1, factor: 0.5, patience: 2, minDelta: 0.1 });
    expect([1, 0.95, 0.91].map((v) => s.step(v))).toEqual([1, 1, 0.5]);
  });

  it('cooldown holds the count at zero after a reduction', () => {
    const s = new ReduceLROnPlateau({ lr: 1, factor: 0.5, patience: 1, cooldown: 2, minDelta: 0 });
    // 1 best; 1 → wait 1 ≥ 1 → 0.5, cooldown 2; 1 (cooldown 1); 1 (cooldown 0); 1 → wait 1 → 0.25
    expect([1, 1, 1, 1, 1].map((v) => s.step(v))).toEqual([1, 0.5, 0.5, 0.5, 0.25]);
  });

  it("mode 'max' watches for increases", () => {
    const s = new ReduceLROnPlateau({ lr: 1, factor: 0.1, patience: 1, mode: 'max', minDelta: 0 });
    expect([0.5, 0.6, 0.6].map((v) => s.step(v))).toEqual([1, 1, expect.closeTo(0.1, 15)]);
  });

  it('InceptionTime settings: Adam 1e-3 reaches min_lr 1e-4 after four reductions and stays', () => {
    const s = new ReduceLROnPlateau({ lr: 1e-3, ...INCEPTION_TIME_PLATEAU });
    const lrs = new Set<number>();
    for (let epoch = 0; epoch < 1500; epoch++) lrs.add(s.step(0.5));
    expect([...lrs]).toEqual([1e-3, 5e-4, 2.5e-4, 1.25e-4, 1e-4]);
  });

  it('refuses NaN naming the step, and round-trips through JSON', () => {
    const s = new ReduceLROnPlateau({ lr: 1, factor: 0.5, patience: 3, cooldown: 1 });
    for (const v of [3, 2, 2, 2, 2, 2]) s.step(v);
    expect(() => s.step(Number.NaN)).toThrow(NonFiniteLossError);
    const r = ReduceLROnPlateau.fromJSON(JSON.parse(JSON.stringify(s)));
    const tail = [2, 2, 1.5, 2, 2, 2, 2, 2];
    expect(tail.map((v) => r.step(v))).toEqual(tail.map((v) => s.step(v)));
  });
});
