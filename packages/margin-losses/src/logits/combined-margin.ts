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

/** Options of {@link combinedMarginLogits}. */
export interface CombinedMarginOptions {
  /** Scale s. Default 64. */
  s?: number;
  /** Multiplicative angular margin m1. Default 1 (insightface "combined" preset (1, 0.3, 0.2)). */
  m1?: number;
  /** Additive angular margin m2 (radians). Default 0.3. */
  m2?: number;
  /** Additive cosine margin m3. Default 0.2. */
  m3?: number;
  /** Gradient mode. Default `'straightThrough'` (arcface_torch). See {@link MarginGradient}. */
  gradient?: MarginGradient;
}

/**
 * Combined margin: target logit `cos(m1·θ + m2) − m3`, all logits times `s` (insightface MXNet trainer,
 * `arcface_mxnet/train.py`; presets in `sample_config.py`). All three terms are applied, unlike the
 * arcface_torch port, which silently drops m2 when m3 > 0. As in the MXNet trainer there is no fallback
 * when `m1·θ + m2 > π`.
 *
 * @param cos `[batch, classes]` cosines, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids; -1 rows get no margin.
 * @param options `s` (64), `m1` (1), `m2` (0.3), `m3` (0.2), `gradient` (`'straightThrough'`).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const logits = combinedMarginLogits(cos, labels, { m1: 1, m2: 0.3, m3: 0.2 });
 */
export function combinedMarginLogits(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: CombinedMarginOptions = {},
): tf.Tensor2D {
  const fn = 'combinedMarginLogits';
  checkOptionKeys(fn, options, ['s', 'm1', 'm2', 'm3', 'gradient']);
  checkCosLabels(fn, cos, labels);
  const s = checkNumber(fn, 's', options.s ?? 64, { positive: true });
  const m1 = checkNumber(fn, 'm1', options.m1 ?? 1);
  const m2 = checkNumber(fn, 'm2', options.m2 ?? 0.3);
  const m3 = checkNumber(fn, 'm3', options.m3 ?? 0.2);
  const gradient = checkGradient(fn, options.gradient ?? 'straightThrough');
  return tf.tidy(() => {
    const mask = targetMask(labels, cos.shape[1]);
    const target = (t: tf.Tensor1D) =>
      tf.sub<tf.Tensor1D>(tf.cos(tf.add(tf.mul(angle(t, gradient), m1), m2)), m3);
    return tf.mul(replaceTarget(cos, mask, target, gradient), s);
  });
}
