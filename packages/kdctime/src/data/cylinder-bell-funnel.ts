import { createRng } from '@frx/tensor-utils';

import { positiveInteger, rejectUnknownOptions } from '../internal/validate';
import type { LabelledSeriesMatrix } from '../training/batches';

/** Options of {@link cylinderBellFunnel}. */
export interface CylinderBellFunnelOptions {
  /** Training series. Default 30 (UCR CBF). */
  trainSize?: number;
  /** Test series. Default 900 (UCR CBF). */
  testSize?: number;
  /** Series length. Default 128. */
  length?: number;
  /** Seed. Default 0. */
  seed?: number | string;
}

/** Class names of {@link cylinderBellFunnel}, in code order. */
export const CBF_CLASSES = ['cylinder', 'bell', 'funnel'] as const;

/**
 * Generates the Cylinder-Bell-Funnel data set (Saito 1994): for t = 1 … length, a ~ U[16, 32], b − a ~ U[32, 96],
 * η, ε(t) ~ N(0, 1);
 * cylinder `(6 + η)·1[a ≤ t ≤ b] + ε(t)`, bell `(6 + η)·1[a ≤ t ≤ b]·(t − a)/(b − a) + ε(t)`,
 * funnel `(6 + η)·1[a ≤ t ≤ b]·(b − t)/(b − a) + ε(t)`. Classes are balanced (case i has class i mod 3) and the
 * cases shuffled; train and test come from one seeded stream.
 *
 * @param options - `trainSize` (30), `testSize` (900), `length` (128), `seed` (0).
 * @returns train and test splits `[cases, length, 1]` with class codes 0 = cylinder, 1 = bell, 2 = funnel.
 *
 * @example
 * const { train, test } = cylinderBellFunnel({ seed: 1 }); // train.series.shape = [30, 128, 1]
 *
 * @see N. Saito, "Local feature extraction and its applications using a library of bases", PhD thesis, Yale (1994).
 */
export function cylinderBellFunnel(options: CylinderBellFunnelOptions = {}): {
  train: LabelledSeriesMatrix;
  test: LabelledSeriesMatrix;
} {
  rejectUnknownOptions('cylinderBellFunnel', options, ['trainSize', 'testSize', 'length', 'seed']);
  const trainSize = positiveInteger('cylinderBellFunnel', 'trainSize', options.trainSize, 30);
  const testSize = positiveInteger('cylinderBellFunnel', 'testSize', options.testSize, 900);
  const length = positiveInteger('cylinderBellFunnel', 'length', options.length, 128);
  const rng = createRng(options.seed ?? 0);
  const split = (cases: number): LabelledSeriesMatrix => {
    const codes = Int32Array.from({ length: cases }, (_, i) => i % 3);
    for (let i = cases - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [codes[i], codes[j]] = [codes[j]!, codes[i]!];
    }
    const values = new Float32Array(cases * length);
    for (let c = 0; c < cases; c++) {
      const a = rng.uniform(16, 32);
      const b = a + rng.uniform(32, 96);
      const amplitude = 6 + rng.normal();
      for (let step = 0; step < length; step++) {
        const t = step + 1;
        let shape = 0;
        if (t >= a && t <= b) {
          shape = codes[c] === 0 ? 1 : codes[c] === 1 ? (t - a) / (b - a) : (b - t) / (b - a);
        }
        values[c * length + step] = amplitude * shape + rng.normal();
      }
    }
    return { series: { values, shape: [cases, length, 1] }, codes, classes: 3 };
  };
  return { train: split(trainSize), test: split(testSize) };
}
