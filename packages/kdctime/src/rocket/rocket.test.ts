import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { generateRocketKernels, rocketTransform, type RocketKernels } from './rocket';

interface FixtureKernel {
  length: number;
  dilation: number;
  padding: number;
  weights: number[];
  bias: number;
}

// numpy port of angus924/rocket apply_kernel: scripts/make_fixtures.py.
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/rocket.json', import.meta.url), 'utf8'),
) as {
  rocket: { series: number[][]; kernels: FixtureKernel[]; features: number[][] };
};

describe('generateRocketKernels', () => {
  const kernels = generateRocketKernels(150, { numKernels: 2000, seed: 3 });

  it('samples lengths, weights, biases, dilations and paddings as ROCKET does', () => {
    const lengthCounts = new Map<number, number>();
    for (let k = 0; k < 2000; k++) {
      const length = kernels.lengths[k]!;
      lengthCounts.set(length, (lengthCounts.get(length) ?? 0) + 1);
      let mean = 0;
      for (let j = 0; j < length; j++) mean += kernels.weights[kernels.offsets[k]! + j]!;
      expect(Math.abs(mean / length)).toBeLessThan(1e-12);
      expect(Math.abs(kernels.biases[k]!)).toBeLessThan(1);
      const d = kernels.dilations[k]!;
      expect(d).toBeGreaterThanOrEqual(1);
      expect((length - 1) * d).toBeLessThanOrEqual(149);
      expect([0, Math.floor(((length - 1) * d) / 2)]).toContain(kernels.paddings[k]);
    }
    expect([...lengthCounts.keys()].sort()).toEqual([11, 7, 9]);
    for (const count of lengthCounts.values()) expect(count).toBeGreaterThan(560);
    const padded = Array.from(kernels.paddings).filter((p) => p > 0).length;
    expect(padded).toBeGreaterThan(900);
    expect(padded).toBeLessThan(1100);
    // u ~ U(0, log2(149/(l-1))): for l = 7, P(d = 1) = P(u < 1) = 1/log2(149/6) ≈ 0.216.
    const short = Array.from(kernels.lengths)
      .map((l, k) => [l, kernels.dilations[k]!])
      .filter(([l]) => l === 7);
    const ones = short.filter(([, d]) => d === 1).length / short.length;
    expect(ones).toBeGreaterThan(0.16);
    expect(ones).toBeLessThan(0.27);
  });

  it('is reproducible from its seed and rejects short series', () => {
    const again = generateRocketKernels(150, { numKernels: 2000, seed: 3 });
    expect(again.weights).toEqual(kernels.weights);
    expect(generateRocketKernels(150, { numKernels: 10, seed: 4 }).weights).not.toEqual(
      kernels.weights.subarray(0, 10),
    );
    expect(() => generateRocketKernels(8)).toThrow(/inputLength must be an integer >= 11/);
    expect(() => generateRocketKernels(20, { kernels: 3 } as never)).toThrow(/unknown option "kernels"/);
  });
});

describe('rocketTransform', () => {
  it('matches apply_kernel (PPV and max) on fixed kernels with and without padding', () => {
    const { series, kernels: list, features } = fixture.rocket;
    const lengths = Int32Array.from(list, (k) => k.length);
    const offsets = new Int32Array(list.length);
    for (let k = 1; k < list.length; k++) offsets[k] = offsets[k - 1]! + lengths[k - 1]!;
    const kernels: RocketKernels = {
      inputLength: series[0]!.length,
      lengths,
      offsets,
      weights: Float64Array.from(list.flatMap((k) => k.weights)),
      biases: Float64Array.from(list, (k) => k.bias),
      dilations: Int32Array.from(list, (k) => k.dilation),
      paddings: Int32Array.from(list, (k) => k.padding),
    };
    const out = rocketTransform(kernels, {
      values: series.flat(),
      shape: [series.length, series[0]!.length, 1],
    });
    features.flat().forEach((f, i) => expect(out[i]).toBeCloseTo(f, 5));
  });

  it('works out a tiny case by hand', () => {
    // One kernel of length 7, all weights 0 except w0 = 1, w6 = −1 (mean-centred), bias 0, dilation 1, no padding:
    // s_i = x_i − x_{i+6} on x = 0 … 11 gives six outputs of −6: PPV 0, max −6.
    const kernels: RocketKernels = {
      inputLength: 12,
      lengths: Int32Array.of(7),
      offsets: Int32Array.of(0),
      weights: Float64Array.of(1, 0, 0, 0, 0, 0, -1),
      biases: Float64Array.of(0),
      dilations: Int32Array.of(1),
      paddings: Int32Array.of(0),
    };
    const x = Array.from({ length: 12 }, (_, i) => i);
    expect(Array.from(rocketTransform(kernels, { values: x, shape: [1, 12, 1] }))).toEqual([0, -6]);
    // Reversed series: every output is +6, PPV 1.
    expect(Array.from(rocketTransform(kernels, { values: x.reverse(), shape: [1, 12, 1] }))).toEqual([1, 6]);
    expect(() => rocketTransform(kernels, { values: [1, 2], shape: [1, 2, 1] })).toThrow(/shorter than/);
    expect(() => rocketTransform(kernels, { values: x.concat(x), shape: [1, 12, 2] })).toThrow(/univariate/);
  });
});
