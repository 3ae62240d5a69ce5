import * as tf from '@tensorflow/tfjs-core';

import { checkCosLabels, checkNumber, checkOptionKeys, targetMask } from './shared';

/** Options of {@link cosFaceLogits}. */
export interface CosFaceOptions {
  /** Scale s. Default 64. */
  s?: number;
  /** Additive cosine margin m. Default 0.35 (CosFace paper, face.evoLVe, pytorch-metric-learning; arcface_torch configs use 0.4). */
  m?: number;
}

/**
 * CosFace / AM-Softmax: target logit `cos θ − m`, all logits times `s` (Wang et al., "CosFace",
 * arXiv 1801.09414; Wang et al., "AM-Softmax", arXiv 1801.05599). Fully differentiable: the margin is a
 * constant shift, so its gradient is the identity either way.
 *
 * @param cos `[batch, classes]` cosines, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids; -1 rows get no margin.
 * @param options `s` (default 64), `m` (default 0.35).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const logits = cosFaceLogits(cos, labels, { s: 64, m: 0.4 });
 */
export function cosFaceLogits(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: CosFaceOptions = {},
): tf.Tensor2D {
  const fn = 'cosFaceLogits';
  checkOptionKeys(fn, options, ['s', 'm']);
  checkCosLabels(fn, cos, labels);
  const s = checkNumber(fn, 's', options.s ?? 64, { positive: true });
  const m = checkNumber(fn, 'm', options.m ?? 0.35);
  return tf.tidy(() => tf.mul(tf.sub(cos, tf.mul(targetMask(labels, cos.shape[1]), m)), s));
}
