import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  fitMiniRocket,
  MINI_ROCKET_KERNEL_INDICES,
  miniRocketDilations,
  miniRocketQuantiles,
  miniRocketTransform,
} from './mini-rocket';

// numpy port of angus924/minirocket (fit with one training series, so the bias example choice is fixed).
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/rocket.json', import.meta.url), 'utf8'),
) as {
  miniRocket: {
    numFeatures: number;
    train: number[][];
    test: number[][];
    dilations: number[];
    featuresPerDilation: number[];
    biases: number[];
    features: number[][];
    dilationTable: Record<string, [number[], number[]]>;
    quantiles: number[];
  };
};
const mr = fixture.miniRocket;

describe('MiniRocket constants', () => {
  it('has 84 lexicographic 3-of-9 kernels', () => {
    expect(MINI_ROCKET_KERNEL_INDICES).toHaveLength(84);
    expect(MINI_ROCKET_KERNEL_INDICES[0]).toEqual([0, 1, 2]);
    expect(MINI_ROCKET_KERNEL_INDICES[1]).toEqual([0, 1, 3]);
    expect(MINI_ROCKET_KERNEL_INDICES[83]).toEqual([6, 7, 8]);
  });

  it('reproduces the dilation schedules of the reference notes and numpy', () => {
    const l150 = miniRocketDilations(150);
    expect(Array.from(l150.dilations)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18]);
    expect(Array.from(l150.featuresPerDilation)).toEqual([
      30, 15, 12, 12, 4, 8, 8, 4, 4, 4, 3, 3, 3, 3, 3, 3,
    ]);
    for (const [length, [dilations, counts]] of Object.entries(mr.dilationTable)) {
      const out = miniRocketDilations(Number(length));
      expect(Array.from(out.dilations)).toEqual(dilations);
      expect(Array.from(out.featuresPerDilation)).toEqual(counts);
    }
  });

  it('uses golden-ratio quantiles in float32', () => {
    expect(Array.from(miniRocketQuantiles(5)).map((q) => Number(q.toFixed(6)))).toEqual([
      0.618034, 0.236068, 0.854102, 0.472136, 0.09017,
    ]);
    expect(Array.from(miniRocketQuantiles(10))).toEqual(mr.quantiles);
  });
});

describe('fitMiniRocket / miniRocketTransform', () => {
  const train = { values: mr.train.flat(), shape: [1, 40, 1] as const };
  const params = fitMiniRocket(train, { numFeatures: mr.numFeatures, seed: 1 });

  it('fits the biases of the numpy reference (quantiles of each kernel output)', () => {
    expect(Array.from(params.dilations)).toEqual(mr.dilations);
    expect(Array.from(params.featuresPerDilation)).toEqual(mr.featuresPerDilation);
    expect(params.biases).toHaveLength(mr.biases.length);
    mr.biases.forEach((b, i) => expect(params.biases[i]).toBeCloseTo(b, 4));
  });

  it('computes the PPV features of the numpy reference, alternating the padding', () => {
    const out = miniRocketTransform(params, { values: mr.test.flat(), shape: [2, 40, 1] });
    let mismatches = 0;
    mr.features.flat().forEach((f, i) => {
      // float32 sums in another order can move a value across its bias by one step (1/L or 1/(L − 8d)).
      if (Math.abs(out[i]! - f) > 1e-6) mismatches++;
      expect(Math.abs(out[i]! - f)).toBeLessThanOrEqual(1 / 24 + 1e-6);
    });
    expect(mismatches).toBeLessThanOrEqual(2);
  });

  it('pads series shorter than 9 and rejects length mismatches', () => {
    const short = fitMiniRocket({ values: [1, 2, 3, 4, 5], shape: [1, 5, 1] }, { numFeatures: 84 });
    expect(short.inputLength).toBe(9);
    expect(miniRocketTransform(short, { values: [5, 4, 3, 2, 1], shape: [1, 5, 1] })).toHaveLength(84);
    expect(() =>
      miniRocketTransform(params, { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], shape: [1, 10, 1] }),
    ).toThrow(/fitted length 40/);
  });
});
