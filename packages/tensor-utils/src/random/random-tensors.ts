import * as tf from '@tensorflow/tfjs-core';

import type { Rng } from './rng';

/** Options of {@link randomNormalTensor}. */
export interface NormalOptions {
  /** Default `0`. */
  mean?: number;
  /** Default `1`. */
  stddev?: number;
  /** Redraw values beyond 2 standard deviations (TensorFlow's `truncated_normal`). Default `false`. */
  truncated?: boolean;
}

function checkShape(shape: readonly number[], fn: string): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new RangeError(`${fn}: shape [${shape.join(', ')}] has an invalid dimension ${d}`);
    size *= d;
  }
  return size;
}

/**
 * A float32 tensor of normal values drawn from `rng`: reproducible from the seed on every backend,
 * unlike tfjs' own random ops whose streams are per call.
 *
 * @param shape e.g. `[inChannels, outChannels]`.
 * @example
 * const w = tf.variable(randomNormalTensor([512, 1000], createRng(1), { stddev: 0.01 }));
 */
export function randomNormalTensor(
  shape: readonly number[],
  rng: Rng,
  options: NormalOptions = {},
): tf.Tensor {
  const { mean = 0, stddev = 1, truncated = false } = options;
  const size = checkShape(shape, 'randomNormalTensor');
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let z = rng.normal();
    if (truncated) while (Math.abs(z) > 2) z = rng.normal();
    values[i] = mean + stddev * z;
  }
  return tf.tensor(values, shape.slice(), 'float32');
}

/**
 * A float32 tensor of values uniform in `[min, max)` drawn from `rng`.
 *
 * @example
 * // PyTorch's default Linear/Conv init: kaiming_uniform(a = sqrt(5)) = U(-1/sqrt(fanIn), 1/sqrt(fanIn))
 * const bound = 1 / Math.sqrt(fanIn);
 * const w = randomUniformTensor([fanIn, fanOut], rng, -bound, bound);
 */
export function randomUniformTensor(shape: readonly number[], rng: Rng, min = 0, max = 1): tf.Tensor {
  if (!(min <= max)) throw new RangeError(`randomUniformTensor: min ${min} must be <= max ${max}`);
  const size = checkShape(shape, 'randomUniformTensor');
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.uniform(min, max);
  return tf.tensor(values, shape.slice(), 'float32');
}
