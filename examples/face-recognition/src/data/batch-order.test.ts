import { describe, expect, it } from 'vitest';

import { BatchOrder } from './batch-order';

describe('BatchOrder', () => {
  it('visits every image at most once per epoch and drops the incomplete last batch', () => {
    const order = new BatchOrder(23, 5, 7);
    expect(order.stepsPerEpoch).toBe(4); // ⌊23 / 5⌋
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen = new Set<number>();
      for (let b = 0; b < 4; b++) {
        const pos = order.at(epoch * 4 + b);
        expect(pos).toMatchObject({ epoch, batch: b });
        expect(pos.indices).toHaveLength(5);
        for (const i of pos.indices) {
          expect(i).toBeGreaterThanOrEqual(0);
          expect(i).toBeLessThan(23);
          seen.add(i);
        }
      }
      expect(seen.size).toBe(20);
    }
  });

  it('is a function of (seed, step) only, in any visiting order', () => {
    const forward = new BatchOrder(40, 8, 3);
    const expected = Array.from({ length: 15 }, (_, s) => Array.from(forward.at(s).indices));
    const jumping = new BatchOrder(40, 8, 3);
    for (const s of [12, 3, 14, 0, 7]) expect(Array.from(jumping.at(s).indices)).toEqual(expected[s]);
    const otherSeed = new BatchOrder(40, 8, 4);
    expect(Array.from(otherSeed.at(0).indices)).not.toEqual(expected[0]);
  });

  it('rejects a batch larger than the data', () => {
    expect(() => new BatchOrder(3, 4, 0)).toThrow(/batch size 4 is larger than the 3 training images/);
  });
});
