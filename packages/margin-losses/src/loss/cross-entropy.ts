import * as tf from '@tensorflow/tfjs-core';

import { checkCosLabels } from '../logits/shared';

/** Floor under the target probability, as arcface_torch's `DistCrossEntropy` (`clamp_min_(1e-30)`). */
export const MIN_TARGET_PROBABILITY = 1e-30;

/**
 * Mean softmax cross-entropy of margin logits: `−mean_i log max(p_{i,y_i}, 1e-30)` over the rows whose
 * label is not -1, with a max-subtracted log-softmax so logits scaled by 64 (or by feature norms) cannot
 * overflow float32. Gradient with respect to the logits: `(p − onehot(y)) / n` on labelled rows
 * (insightface arcface_torch `losses.py` / `partial_fc_v2.py`). Unlike arcface_torch, ignored rows are left
 * out of the mean instead of counting `−log 1e-30` each; a batch without any labelled row gives 0.
 *
 * @param logits `[batch, classes]` scaled logits from a margin function.
 * @param labels `[batch]` int32 class ids, -1 = ignore.
 * @returns a scalar.
 *
 * @example
 * const loss = marginCrossEntropy(arcFaceLogits(cos, labels), labels);
 */
export function marginCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  checkCosLabels('marginCrossEntropy', logits, labels);
  return tf.tidy(() => {
    const mask = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32');
    const valid = tf.sum(mask, 1);
    // The shift cancels out of the value and (exactly) out of the gradient; it only prevents exp overflow.
    const shifted = tf.sub(logits, tf.max(logits, 1, true));
    const logSumExp = tf.log(tf.sum(tf.exp(shifted), 1));
    const logTarget = tf.sub(tf.sum(tf.mul(shifted, mask), 1), logSumExp);
    const perRow = tf.mul(tf.neg(tf.maximum(logTarget, Math.log(MIN_TARGET_PROBABILITY))), valid);
    return tf.div(tf.sum(perRow), tf.maximum(tf.sum(valid), 1));
  });
}
