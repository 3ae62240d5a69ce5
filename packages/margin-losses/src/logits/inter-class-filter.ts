import * as tf from '@tensorflow/tfjs-core';

import { checkCosLabels, checkNumber, checkOptionKeys, greaterNoGrad, targetMask } from './shared';

/** Options of {@link interClassFilter}. */
export interface InterClassFilterOptions {
  /** Threshold τ: negatives with `cos > τ` are zeroed. Required; insightface's `*_filter04` configs use 0.4. */
  threshold: number;
}

/**
 * insightface's inter-class filtering for noisy data: in every row, negative cosines above `threshold` are
 * multiplied by 0 (the mask carries no gradient; the target column is never masked; rows with label -1 have
 * every column treated as negative). Apply it to the cosines before the margin function
 * (arcface_torch `partial_fc_v2.py`, `interclass_filtering_threshold`).
 *
 * @param cos `[batch, classes]` cosines.
 * @param labels `[batch]` int32 class ids.
 * @param options `threshold` (required).
 * @returns `[batch, classes]` filtered cosines.
 *
 * @example
 * const logits = arcFaceLogits(interClassFilter(cos, labels, { threshold: 0.4 }), labels);
 */
export function interClassFilter(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: InterClassFilterOptions,
): tf.Tensor2D {
  const fn = 'interClassFilter';
  checkOptionKeys(fn, options, ['threshold']);
  checkCosLabels(fn, cos, labels);
  const threshold = checkNumber(fn, 'threshold', options?.threshold);
  return tf.tidy(() => {
    const dirty = tf.mul(
      tf.cast(greaterNoGrad(cos, threshold), 'float32'),
      tf.sub(1, targetMask(labels, cos.shape[1])),
    );
    return tf.mul(cos, tf.sub(1, dirty));
  });
}
