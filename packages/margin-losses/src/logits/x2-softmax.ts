import * as tf from '@tensorflow/tfjs-core';

import {
  angle,
  checkCosLabels,
  checkGradient,
  checkNumber,
  checkOptionKeys,
  replaceTarget,
  targetMask,
  type MarginGradient,
} from './shared';

/** Options of {@link x2SoftmaxLogits}. Defaults are the authors' `work.sh` settings. */
export interface X2SoftmaxOptions {
  /** Scale s. Default 64. */
  s?: number;
  /** Quadratic coefficient a (< 0 opens downward). Default -0.9. */
  a?: number;
  /** Vertex angle h in radians. Default 0. */
  h?: number;
  /** Vertex value k. Default 0.65. */
  k?: number;
  /** Gradient mode. Default `'straightThrough'` (the official `my_CE_2`). See {@link MarginGradient}. */
  gradient?: MarginGradient;
}

/**
 * X2-Softmax: the target logit becomes the quadratic function of the angle `f(θ) = a·(θ − h)² + k`,
 * non-target logits stay `cos θ_j`, all times `s` (Xu et al., "X2-Softmax: Margin Adaptive Loss Function
 * for Face Recognition", arXiv 2312.05281; code XieZixiUSTC/X2-Softmax `loss.py`). With the defaults the
 * equivalent cosine margin `cos θ − f(θ)` is 0.35 at θ = 0 and grows with θ.
 *
 * @param cos `[batch, classes]` cosines, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids; -1 rows get no margin.
 * @param options `s` (64), `a` (-0.9), `h` (0), `k` (0.65), `gradient` (`'straightThrough'`).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const logits = x2SoftmaxLogits(cos, labels); // f(θ) = 0.65 − 0.9·θ², s = 64
 */
export function x2SoftmaxLogits(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: X2SoftmaxOptions = {},
): tf.Tensor2D {
  const fn = 'x2SoftmaxLogits';
  checkOptionKeys(fn, options, ['s', 'a', 'h', 'k', 'gradient']);
  checkCosLabels(fn, cos, labels);
  const s = checkNumber(fn, 's', options.s ?? 64, { positive: true });
  const a = checkNumber(fn, 'a', options.a ?? -0.9);
  const h = checkNumber(fn, 'h', options.h ?? 0);
  const k = checkNumber(fn, 'k', options.k ?? 0.65);
  const gradient = checkGradient(fn, options.gradient ?? 'straightThrough');
  return tf.tidy(() => {
    const mask = targetMask(labels, cos.shape[1]);
    const target = (t: tf.Tensor1D) =>
      tf.add<tf.Tensor1D>(tf.mul(tf.square(tf.sub(angle(t, gradient), h)), a), k);
    return tf.mul(replaceTarget(cos, mask, target, gradient), s);
  });
}
