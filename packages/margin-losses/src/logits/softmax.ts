import * as tf from '@tensorflow/tfjs-core';

import { checkCosLabels, checkOptionKeys } from './shared';

/** Options of {@link softmaxLogits}: none; the object exists so every margin function has one shape. */
export type SoftmaxOptions = Record<string, never>;

/**
 * Plain softmax: returns the logits unchanged (no normalisation, no margin, no scale). The baseline of the
 * margin papers (X2-Softmax's code lists it as "SOFTMAX"); pass unnormalised linear logits `W·x (+ b)`.
 *
 * @param logits `[batch, classes]` float32 logits.
 * @param labels `[batch]` int32 class ids (-1 = ignored); only checked, the baseline has no target term.
 * @param options none.
 * @returns a copy of `logits`, `[batch, classes]`.
 *
 * @example
 * const loss = marginCrossEntropy(softmaxLogits(tf.matMul(x, w), labels), labels);
 */
export function softmaxLogits(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: SoftmaxOptions = {},
): tf.Tensor2D {
  checkOptionKeys('softmaxLogits', options, []);
  checkCosLabels('softmaxLogits', logits, labels);
  return tf.clone(logits);
}
