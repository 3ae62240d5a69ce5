import type * as tf from '@tensorflow/tfjs-core';

/**
 * A training loss on logits: `(labels, logits, teacherTargets?) → scalar`.
 *
 * - `labels`: one-hot `[batch, classes]`;
 * - `logits`: the network output `[batch, classes]`;
 * - `teacherTargets`: teacher probabilities `[batch, classes]` (already softened and calibrated), used by the
 *   distillation losses only.
 */
export type ClassificationLoss = (
  labels: tf.Tensor2D,
  logits: tf.Tensor2D,
  teacherTargets?: tf.Tensor2D,
) => tf.Scalar;
