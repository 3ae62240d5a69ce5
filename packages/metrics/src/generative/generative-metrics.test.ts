import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';

import { GenerativeMetricError } from './feature-matrix';
import { frechetDistance, frechetInceptionDistance, gaussianStatistics } from './frechet-distance';
import { inceptionScore } from './inception-score';
import { kernelInceptionDistance } from './kernel-inception-distance';
import { symmetricEigenvalues } from './symmetric-eigenvalues';

interface Fixture {
  fidFullRank: { a: number[][]; b: number[][]; fid: number };
  fidLowRank: { a: number[][]; b: number[][]; fid: number };
  kid: { a: number[][]; b: number[][]; kid: number };
  inceptionScore: {
    logits: number[][];
    probabilities: number[][];
    splits5: [number, number];
    splits1: [number, number];
  };
  eigen: { matrix: number[][]; eigenvalues: number[] };
}

// Written by scripts/make_generative_fixtures.py (numpy, eigh-based matrix square root).
const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../test/fixtures/generative-metrics.json', import.meta.url)),
    'utf8',
  ),
) as Fixture;

const relClose = (actual: number, expected: number, rtol: number) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    rtol * Math.max(1, Math.abs(expected)),
  );

describe('symmetricEigenvalues', () => {
  it('matches numpy.linalg.eigvalsh on a random symmetric 12×12 matrix', () => {
    const values = symmetricEigenvalues(Float64Array.from(fixture.eigen.matrix.flat()), 12);
    fixture.eigen.eigenvalues.forEach((e, i) => relClose(values[i]!, e, 1e-10));
  });

  it('handles diagonal, 1×1 and repeated eigenvalues', () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.from([3, 0, 0, 0, 1, 0, 0, 0, 2]), 3))).toEqual([
      1, 2, 3,
    ]);
    expect(Array.from(symmetricEigenvalues(Float64Array.from([5]), 1))).toEqual([5]);
    const ones = symmetricEigenvalues(new Float64Array(16).fill(1), 4); // eigenvalues 0, 0, 0, 4
    [0, 0, 0, 4].forEach((e, i) => expect(ones[i]).toBeCloseTo(e, 12));
  });
});

describe('FID', () => {
  it('matches numpy with full-rank covariances (n > d)', () => {
    relClose(
      frechetInceptionDistance(fixture.fidFullRank.a, fixture.fidFullRank.b),
      fixture.fidFullRank.fid,
      1e-9,
    );
  });

  it('matches numpy with singular covariances (n < d, the small-N 2048-d case)', () => {
    // Zero eigenvalues computed in float64 come out as ±1e-14·λmax in both implementations; their square
    // roots (~1e-7·√λmax each) bound the agreement.
    relClose(
      frechetInceptionDistance(fixture.fidLowRank.a, fixture.fidLowRank.b),
      fixture.fidLowRank.fid,
      1e-7,
    );
  });

  it('is 0 for identical sets, and the closed forms of the reference notes hold', () => {
    expect(frechetInceptionDistance(fixture.fidLowRank.a, fixture.fidLowRank.a)).toBeLessThan(1e-8);
    // 1-D Gaussians: (μ₁ − μ₂)² + (σ₁ − σ₂)², from the sample statistics.
    const a = [[1], [2], [4], [7]];
    const b = [[0], [3], [3], [10], [12]];
    const stat = (v: number[]) => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return [m, Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1))] as const;
    };
    const [m1, s1] = stat(a.flat());
    const [m2, s2] = stat(b.flat());
    relClose(frechetInceptionDistance(a, b), (m1 - m2) ** 2 + (s1 - s2) ** 2, 1e-12);
    // Diagonal covariances: Σ (σ₁ᵢ − σ₂ᵢ)² + ‖μ₁ − μ₂‖².
    const diag = (mean: number[], variance: number[]) => ({
      dim: 2,
      mean: Float64Array.from(mean),
      covariance: Float64Array.from([variance[0]!, 0, 0, variance[1]!]),
    });
    relClose(
      frechetDistance(diag([0, 1], [4, 9]), diag([2, 1], [1, 16])),
      4 + (2 - 1) ** 2 + (3 - 4) ** 2,
      1e-12,
    );
  });

  it('gives the same value from cached statistics and from features, and takes tensors', () => {
    const { a, b } = fixture.fidFullRank;
    const viaStats = frechetDistance(gaussianStatistics(a), gaussianStatistics(b));
    relClose(viaStats, fixture.fidFullRank.fid, 1e-9);
    const ta = tf.tensor2d(a);
    const tb = tf.tensor2d(b);
    relClose(frechetInceptionDistance(ta, tb), fixture.fidFullRank.fid, 1e-5); // float32 inputs
    tf.dispose([ta, tb]);
  });

  it('rejects mismatched dimensions, too few samples and non-finite values', () => {
    expect(() =>
      frechetInceptionDistance(
        [
          [1, 2],
          [3, 4],
        ],
        [[1], [2]],
      ),
    ).toThrow(/feature dimensions differ \(2 vs 1\)/);
    expect(() => frechetInceptionDistance([[1]], [[1], [2]])).toThrow(GenerativeMetricError);
    expect(() => frechetInceptionDistance([[1], [NaN]], [[1], [2]])).toThrow(
      /non-finite value NaN at row 1, column 0/,
    );
  });
});

describe('KID', () => {
  it('matches numpy (unbiased MMD², cubic kernel) when the subset is the whole set', () => {
    const { a, b, kid } = fixture.kid;
    const result = kernelInceptionDistance(a, b, { subsets: 3, subsetSize: 30 });
    relClose(result.mean, kid, 1e-10);
    expect(result.std).toBeLessThan(1e-10); // every subset is a permutation of the full sets
  });

  it('is near 0 for two samples of one distribution and averages subsets deterministically per seed', () => {
    const { a } = fixture.kid;
    const same = kernelInceptionDistance(a.slice(0, 15), a.slice(15), {
      subsets: 10,
      subsetSize: 10,
      seed: 1,
    });
    const other = kernelInceptionDistance(a.slice(0, 15), fixture.kid.b.slice(0, 15), {
      subsets: 10,
      subsetSize: 10,
      seed: 1,
    });
    expect(Math.abs(same.mean)).toBeLessThan(other.mean);
    expect(same.values).toHaveLength(10);
    expect(kernelInceptionDistance(a, a, { subsets: 4, subsetSize: 10, seed: 7 })).toEqual(
      kernelInceptionDistance(a, a, { subsets: 4, subsetSize: 10, seed: 7 }),
    );
    expect(() => kernelInceptionDistance(a, a, { subset: 4 } as never)).toThrow(/unknown option 'subset'/);
  });
});

describe('Inception Score', () => {
  it('matches numpy for 5 splits and 1 split, from probabilities and from logits', () => {
    const { probabilities, logits, splits5, splits1 } = fixture.inceptionScore;
    const five = inceptionScore(probabilities, { splits: 5 });
    relClose(five.mean, splits5[0], 1e-10);
    relClose(five.std, splits5[1], 1e-9);
    relClose(inceptionScore(logits, { splits: 1, fromLogits: true }).mean, splits1[0], 1e-10);
  });

  it('is 1 for uniform predictions and C for balanced one-hot predictions', () => {
    expect(
      inceptionScore(
        Array.from({ length: 20 }, () => [0.25, 0.25, 0.25, 0.25]),
        { splits: 2 },
      ).mean,
    ).toBeCloseTo(1, 12);
    const oneHot = Array.from({ length: 40 }, (_, i) => [0, 1, 2, 3].map((c) => (c === i % 4 ? 1 : 0)));
    expect(inceptionScore(oneHot, { splits: 10 }).mean).toBeCloseTo(4, 12);
    expect(() => inceptionScore(oneHot, { splits: 41 })).toThrow(
      /splits must be an integer in \[1, 40\], got 41/,
    );
  });
});
