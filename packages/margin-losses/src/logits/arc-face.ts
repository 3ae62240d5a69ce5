import * as tf from '@tensorflow/tfjs-core';

import {
  angle,
  checkCosLabels,
  checkGradient,
  checkNumber,
  checkOptionKeys,
  greaterNoGrad,
  replaceTarget,
  targetMask,
  type MarginGradient,
} from './shared';

/** Options of {@link arcFaceLogits}. */
export interface ArcFaceOptions {
  /** Scale s. Default 64. */
  s?: number;
  /** Additive angular margin m in radians. Default 0.5. */
  m?: number;
  /** Gradient mode. Default `'straightThrough'` (arcface_torch). See {@link MarginGradient}. */
  gradient?: MarginGradient;
  /**
   * face.evoLVe's "easy margin": apply `cos(θ + m)` only where `cos θ > 0`, else keep `cos θ`.
   * Default `false`.
   */
  easyMargin?: boolean;
}

/**
 * The ArcFace target `cos(θ + m)` of `[batch]` target cosines, without scale, shared with sub-center
 * ArcFace. In exact mode `θ + m > π` falls back to `cos θ − m·sin m` (monotonic in θ; FaceX-Zoo,
 * pytorch-metric-learning); straight-through mode uses `cos(θ + m)` as is, like arcface_torch.
 */
export function arcFaceTarget(
  t: tf.Tensor1D,
  m: number,
  gradient: MarginGradient,
  easyMargin: boolean,
): tf.Tensor1D {
  return tf.tidy((): tf.Tensor1D => {
    const withMargin = tf.cos(tf.add(angle(t, gradient), m)) as tf.Tensor1D;
    if (easyMargin) return tf.where(greaterNoGrad(t, 0), withMargin, t);
    if (gradient === 'straightThrough') return withMargin;
    // θ + m ≤ π  ⇔  t ≥ cos(π − m) = −cos m.
    return tf.where(greaterNoGrad(t, -Math.cos(m)), withMargin, tf.sub(t, m * Math.sin(m))) as tf.Tensor1D;
  });
}

/**
 * ArcFace: target logit `cos(θ + m)`, all logits times `s` (Deng et al., "ArcFace", arXiv 1801.07698;
 * straight-through default as in insightface `arcface_torch/losses.py`).
 *
 * @param cos `[batch, classes]` cosines, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids; -1 rows get no margin.
 * @param options `s` (64), `m` (0.5), `gradient` (`'straightThrough'`), `easyMargin` (false).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const logits = arcFaceLogits(cos, labels, { m: 0.5, gradient: 'exact' });
 */
export function arcFaceLogits(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: ArcFaceOptions = {},
): tf.Tensor2D {
  const fn = 'arcFaceLogits';
  checkOptionKeys(fn, options, ['s', 'm', 'gradient', 'easyMargin']);
  checkCosLabels(fn, cos, labels);
  const s = checkNumber(fn, 's', options.s ?? 64, { positive: true });
  const m = checkNumber(fn, 'm', options.m ?? 0.5);
  const gradient = checkGradient(fn, options.gradient ?? 'straightThrough');
  const easyMargin = options.easyMargin ?? false;
  return tf.tidy(() => {
    const mask = targetMask(labels, cos.shape[1]);
    const margined = replaceTarget(cos, mask, (t) => arcFaceTarget(t, m, gradient, easyMargin), gradient);
    return tf.mul(margined, s);
  });
}
