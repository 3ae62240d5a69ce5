import * as tf from '@tensorflow/tfjs-core';

import { numberInRange } from '../internal/validate';
import type { ClassificationLoss } from './classification-loss';

/**
 * LSTime: cross-entropy against the label-smoothed target `(1 − ε)·onehot + ε/K`
 * (`LabelSmooth(ε)` of the KDCTime code; Szegedy et al. 2016, arXiv 1512.00567):
 * `L = (1 − ε)·(−log p_y) + ε·(1/K)·Σ_k (−log p_k)`, averaged over the batch.
 *
 * @param epsilon - smoothing ε in [0, 1]. Default 0.1 (the KDCTime code's student setting; its teacher used 0.5).
 * @returns a {@link ClassificationLoss}; labels one-hot `[batch, classes]`, logits `[batch, classes]`.
 *
 * @example
 * labelSmoothingLoss(0.1)(tf.tensor2d([[1, 0, 0]]), tf.tensor2d([[2, 1, 0.1]])); // 0.513697
 *
 * @see Gong et al., "KDCTime", Information Sciences 613 (2022), arXiv 2112.02291.
 */
export function labelSmoothingLoss(epsilon = 0.1): ClassificationLoss {
  numberInRange('labelSmoothingLoss', 'epsilon', epsilon, 0.1, 0, 1);
  return (labels, logits) =>
    tf.tidy(() => {
      const classes = logits.shape[1];
      const target = tf.add(tf.mul(labels, 1 - epsilon), epsilon / classes);
      return tf.mean<tf.Scalar>(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1)));
    });
}
