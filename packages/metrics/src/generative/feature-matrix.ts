import type * as tf from '@tensorflow/tfjs-core';

import { isTensor } from './tfjs-core';

/** Thrown for invalid inputs or options of the generative metrics; the message names the value. */
export class GenerativeMetricError extends Error {
  override readonly name = 'GenerativeMetricError';
}

/** Features of a set of images, row-major `[rows, dim]`. */
export interface FeatureMatrix {
  rows: number;
  dim: number;
  data: Float32Array | Float64Array;
}

/** What the metrics accept as features: a matrix, a `[rows, dim]` tensor, or nested arrays. */
export type FeatureInput = FeatureMatrix | tf.Tensor2D | number[][];

/** Normalises any {@link FeatureInput} to a {@link FeatureMatrix} (reads tensors synchronously). */
export function toFeatureMatrix(input: FeatureInput, what = 'features'): FeatureMatrix {
  let m: FeatureMatrix;
  if (isTensor(input)) {
    if (input.rank !== 2)
      throw new GenerativeMetricError(
        `${what}: expected a [rows, dim] tensor, got shape [${input.shape.join(', ')}]`,
      );
    m = { rows: input.shape[0], dim: input.shape[1], data: input.dataSync() as Float32Array };
  } else if (Array.isArray(input)) {
    const rows = input.length;
    const dim = input[0]?.length ?? 0;
    const data = new Float64Array(rows * dim);
    input.forEach((row, i) => {
      if (row.length !== dim)
        throw new GenerativeMetricError(`${what}: row ${i} has ${row.length} values, row 0 has ${dim}`);
      data.set(row, i * dim);
    });
    m = { rows, dim, data };
  } else {
    m = input;
    if (m.data.length !== m.rows * m.dim) {
      throw new GenerativeMetricError(
        `${what}: data has ${m.data.length} values, expected rows·dim = ${m.rows * m.dim}`,
      );
    }
  }
  if (m.rows < 1 || m.dim < 1)
    throw new GenerativeMetricError(`${what}: empty feature matrix [${m.rows}, ${m.dim}]`);
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i]!)) {
      throw new GenerativeMetricError(
        `${what}: non-finite value ${m.data[i]} at row ${Math.floor(i / m.dim)}, column ${i % m.dim}`,
      );
    }
  }
  return m;
}
