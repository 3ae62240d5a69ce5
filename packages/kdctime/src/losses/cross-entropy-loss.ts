import * as tf from '@tensorflow/tfjs-core';

import type { ClassificationLoss } from './classification-loss';

/**
 * Softmax cross-entropy on logits, averaged over the batch (Keras `categorical_crossentropy` after a softmax head,
 * PyTorch `CrossEntropyLoss`): `mean_b −Σ_k y_bk · log softmax(z_b)_k`.
 *
 * @returns a {@link ClassificationLoss}; labels one-hot (or any target distribution) `[batch, classes]`.
 *
 * @example
 * const loss = crossEntropyLoss();
 * loss(tf.tensor2d([[1, 0, 0]]), tf.tensor2d([[2, 1, 0.1]])); // 0.417030
 */
export function crossEntropyLoss(): ClassificationLoss {
  return (labels, logits) =>
    tf.tidy(() => tf.mean<tf.Scalar>(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))));
}
