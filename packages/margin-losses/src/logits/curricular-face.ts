import * as tf from '@tensorflow/tfjs-core';

import {
  angle,
  checkCosLabels,
  checkNumber,
  checkOptionKeys,
  greaterNoGrad,
  targetCosine,
  targetMask,
} from './shared';

/** Options of {@link curricularFaceLogits}. */
export interface CurricularFaceOptions {
  /** Scale s. Default 64. */
  s?: number;
  /** Additive angular margin m. Default 0.5. */
  m?: number;
  /**
   * The curriculum parameter t̄ for this step, already updated with {@link curricularFaceUpdate}
   * (CurricularFace updates it before use). Default 0 (its initial value).
   */
  t?: number;
}

/** Options of {@link curricularFaceUpdate}. */
export interface CurricularFaceUpdateOptions {
  /** Weight of the batch mean in the moving average. Default 0.01 (CurricularFace paper). */
  momentum?: number;
}

/**
 * The CurricularFace curriculum update `t̄ ← momentum·mean_i(cos θ_{i,y_i}) + (1 − momentum)·t̄`, without
 * gradient, over rows whose label is not -1 (t̄ is returned unchanged if there are none). Reads the data
 * synchronously.
 *
 * @param cos `[batch, classes]` cosines; @param labels `[batch]` int32.
 * @param t the previous t̄ (0 initially).
 * @returns the new t̄.
 *
 * @example
 * t = curricularFaceUpdate(cos, labels, t);
 * const logits = curricularFaceLogits(cos, labels, { t });
 */
export function curricularFaceUpdate(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  t: number,
  options: CurricularFaceUpdateOptions = {},
): number {
  const fn = 'curricularFaceUpdate';
  checkOptionKeys(fn, options, ['momentum']);
  checkCosLabels(fn, cos, labels);
  checkNumber(fn, 't', t);
  const momentum = checkNumber(fn, 'momentum', options.momentum ?? 0.01);
  // Read on the host, with no tensor op: called inside a gradient tape (a training step), recorded ops
  // whose outputs were disposed here would break the backward pass.
  const classes = cos.shape[1];
  const values = cos.dataSync();
  const labelValues = labels.dataSync();
  let sum = 0;
  let count = 0;
  for (let i = 0; i < labelValues.length; i++) {
    const label = labelValues[i]!;
    if (label < 0 || label >= classes) continue;
    sum += Math.min(1, Math.max(-1, values[i * classes + label]!));
    count++;
  }
  return count === 0 ? t : momentum * (sum / count) + (1 - momentum) * t;
}

/**
 * CurricularFace: ArcFace target with the monotonic fallback, and hard negatives (`cos θ_j > cos(θ_y + m)`)
 * re-weighted to `cos θ_j·(t̄ + cos θ_j)`; all logits times `s` (Huang et al., "CurricularFace",
 * arXiv 2004.00288; FaceX-Zoo `head/CurricularFace.py`). Fully differentiable: the gradient flows through
 * the target (acos on cosines clamped to ±(1 − 1e-7)) and through `cos θ_j`, not through t̄ or the
 * hardness mask. Rows with label -1 are returned as plain `s·cos`.
 *
 * @param cos `[batch, classes]` cosines, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids.
 * @param options `s` (64), `m` (0.5), `t` (0).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const logits = curricularFaceLogits(cos, labels, { t: curricularFaceUpdate(cos, labels, tPrev) });
 */
export function curricularFaceLogits(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: CurricularFaceOptions = {},
): tf.Tensor2D {
  const fn = 'curricularFaceLogits';
  checkOptionKeys(fn, options, ['s', 'm', 't']);
  checkCosLabels(fn, cos, labels);
  const s = checkNumber(fn, 's', options.s ?? 64, { positive: true });
  const m = checkNumber(fn, 'm', options.m ?? 0.5);
  const tBar = checkNumber(fn, 't', options.t ?? 0);
  return tf.tidy(() => {
    const mask = targetMask(labels, cos.shape[1]);
    const valid = tf.sum(mask, 1, true); // [batch, 1]: 1 for labelled rows
    const t = targetCosine(cos, mask);
    const withMargin = tf.cos(tf.add(angle(t, 'exact'), m)) as tf.Tensor1D;
    const target = tf.where(greaterNoGrad(t, -Math.cos(m)), withMargin, tf.sub(t, m * Math.sin(m)));
    // Hardness compares with the un-fallbacked cos(θ + m) and carries no gradient.
    const threshold = tf.expandDims(withMargin, 1);
    const hard = tf.mul(tf.mul(tf.cast(greaterNoGrad(cos, threshold), 'float32'), tf.sub(1, mask)), valid);
    const reweighted = tf.add(cos, tf.mul(hard, tf.sub(tf.mul(cos, tf.add(cos, tBar)), cos)));
    const out = tf.add(reweighted, tf.mul(mask, tf.sub(tf.expandDims(target, 1), reweighted)));
    return tf.mul(out, s);
  });
}
