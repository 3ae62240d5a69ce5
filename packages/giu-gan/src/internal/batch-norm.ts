import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** PyTorch BatchNorm defaults, used for parity with the reference implementations (tfjs-notes.md §2). */
export const TORCH_BN_EPSILON = 1e-5;
/** PyTorch momentum 0.1: running ← 0.9·running + 0.1·batch. */
export const TORCH_BN_MOMENTUM = 0.1;

/**
 * Normalises `x` over every axis but the last, PyTorch-style: batch statistics (biased variance) in
 * training, with the running statistics updated from the batch mean and the **unbiased** variance; running
 * statistics otherwise. No affine step. Must be called inside a tidy; the running-statistic updates are
 * variable writes, not recorded on the gradient tape.
 */
export function normalizeBatch(
  x: tf.Tensor,
  runningMean: tfl.LayerVariable,
  runningVariance: tfl.LayerVariable,
  training: boolean,
  epsilon = TORCH_BN_EPSILON,
  momentum = TORCH_BN_MOMENTUM,
): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  if (!training) {
    return tf.div(tf.sub(x, runningMean.read()), tf.sqrt(tf.add(runningVariance.read(), epsilon)));
  }
  const { mean, variance } = tf.moments(x, axes);
  const count = x.size / x.shape[x.shape.length - 1]!;
  const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
  runningMean.write(tf.add(tf.mul(runningMean.read(), 1 - momentum), tf.mul(mean, momentum)));
  runningVariance.write(tf.add(tf.mul(runningVariance.read(), 1 - momentum), tf.mul(unbiased, momentum)));
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
}
