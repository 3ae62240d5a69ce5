import * as tf from '@tensorflow/tfjs-core';

import type { DenseSeries } from './prepare-series';

/**
 * Wraps dense series as a float32 tensor `[cases, length, dimensions]` (channels last, as tfjs `conv1d` expects).
 *
 * @param dense - output of {@link prepareSeries}.
 * @returns a `[cases, length, dimensions]` tensor; the caller disposes it.
 *
 * @example
 * const x = seriesToTensor(prepareSeries(train)); // GunPoint: [50, 150, 1]
 */
export function seriesToTensor(dense: DenseSeries): tf.Tensor3D {
  return tf.tensor3d(dense.values, dense.shape, 'float32');
}
