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
  const mask = tf.tidy(() => tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32'));
  // A custom gradient, as arcface_torch's DistCrossEntropyFunc: the floor only guards the value. Autodiff of
  // max(log p, log 1e-30) would give a zero gradient to every row below the floor, and with s = 64 a freshly
  // initialised network has most rows there, so it would never start learning.
  const op = tf.customGrad((logitsIn, maskIn, save) => {
    const z = logitsIn as tf.Tensor2D;
    const m = maskIn as tf.Tensor2D;
    const valid = tf.sum(m, 1);
    const count = tf.maximum(tf.sum(valid), 1);
    // The shift cancels out of the value and the gradient; it only prevents exp overflow.
    const shifted = tf.sub(z, tf.max(z, 1, true));
    const logSumExp = tf.log(tf.sum(tf.exp(shifted), 1, true));
    const logProbabilities = tf.sub(shifted, logSumExp);
    const logTarget = tf.sum(tf.mul(logProbabilities, m), 1);
    const perRow = tf.mul(tf.maximum(logTarget, Math.log(MIN_TARGET_PROBABILITY)), valid);
    // 0 − Σ rather than −Σ: a batch without labelled rows gives +0, never −0, on every backend.
    const value = tf.div(tf.sub(0, tf.sum(perRow)), count);
    const probabilities = tf.exp(logProbabilities);
    (save as tf.GradSaveFunc)([probabilities, m, valid, count]);
    return {
      value,
      // tf.customGrad runs gradFunc outside any tidy: without this one, the [batch, classes] temporaries
      // would live until the whole backward pass ends.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [p, mk, v, n] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Scalar];
          const perLogit = tf.div(tf.mul(tf.sub(p, mk), tf.expandDims(v, 1)), n);
          return [tf.mul(dy, perLogit), tf.zerosLike(mk)];
        }),
    };
  });
  const loss = op(logits, mask) as tf.Scalar;
  mask.dispose();
  return loss;
}
