import { describe, expect, it } from 'vitest';

import { cylinderBellFunnel } from './cylinder-bell-funnel';

describe('cylinderBellFunnel', () => {
  const { train, test } = cylinderBellFunnel({ seed: 3 });

  it('has UCR CBF sizes, balanced classes and a seeded stream', () => {
    expect(train.series.shape).toEqual([30, 128, 1]);
    expect(test.series.shape).toEqual([900, 128, 1]);
    for (const split of [train, test]) {
      const counts = [0, 0, 0];
      for (const c of Array.from(split.codes)) counts[c]!++;
      expect(counts).toEqual(Array(3).fill(split.codes.length / 3));
    }
    expect(cylinderBellFunnel({ seed: 3 }).train.series.values).toEqual(train.series.values);
    expect(cylinderBellFunnel({ seed: 4 }).train.series.values).not.toEqual(train.series.values);
    expect(() => cylinderBellFunnel({ size: 3 } as never)).toThrow(/unknown option "size"/);
  });

  it('draws the Saito shapes: class means match the formulas', () => {
    // Over many series: before t = 16 every class is noise (mean 0); at t = 48 (always inside [a, b]) the cylinder
    // mean is 6, the bell mean is 6·E[(t − a)/(b − a)] and the funnel 6 − bell.
    const sums = [new Float64Array(128), new Float64Array(128), new Float64Array(128)];
    const counts = [0, 0, 0];
    for (let i = 0; i < 900; i++) {
      const c = test.codes[i]!;
      counts[c]!++;
      for (let t = 0; t < 128; t++) sums[c]![t]! += test.series.values[i * 128 + t]!;
    }
    const mean = (c: number, t: number) => sums[c]![t - 1]! / counts[c]!;
    for (let c = 0; c < 3; c++) expect(Math.abs(mean(c, 5))).toBeLessThan(0.3);
    expect(mean(0, 48)).toBeGreaterThan(5.6);
    expect(mean(0, 48)).toBeLessThan(6.4);
    expect(mean(1, 48) + mean(2, 48)).toBeGreaterThan(5.4);
    expect(mean(1, 48) + mean(2, 48)).toBeLessThan(6.6);
    expect(mean(1, 48)).toBeLessThan(mean(2, 48));
  });
});
