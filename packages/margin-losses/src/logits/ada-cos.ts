import * as tf from '@tensorflow/tfjs-core';

import { ACOS_EPSILON, checkCosLabels, checkNumber, checkOptionKeys, MarginOptionError } from './shared';

/** Options of {@link adaCosLogits} and {@link adaCosScale}. */
export interface AdaCosOptions {
  /** The current scale s (for {@link adaCosScale}: the previous one). Required; start from {@link adaCosInitialScale}. */
  s: number;
}

/**
 * AdaCos' initial scale `s₀ = √2 · ln(C − 1)` (Zhang et al., "AdaCos", arXiv 1905.00292, eq. 13).
 *
 * @param classes number of classes C ≥ 3.
 * @example
 * adaCosInitialScale(1000); // 9.767626
 */
export function adaCosInitialScale(classes: number): number {
  if (!Number.isInteger(classes) || classes < 3) {
    throw new MarginOptionError(`adaCosInitialScale: classes must be an integer >= 3, got ${classes}`);
  }
  return Math.SQRT2 * Math.log(classes - 1);
}

/**
 * AdaCos' dynamic scale for this step (no gradient; FaceX-Zoo `head/AdaCos.py`):
 * `B_avg = (1/B)·Σ_i Σ_{j≠y_i} exp(s_old·cos_ij)`, `θ_med` = median target angle (lower middle value for an
 * even count, as `torch.median`), `s_new = ln(B_avg) / cos(min(π/4, θ_med))`, angles from cosines clamped
 * to ±(1 − 1e-7). Rows with label -1 are skipped; with no labelled row `s_old` is returned. Reads data
 * synchronously.
 *
 * @param cos `[batch, classes]` cosines; @param labels `[batch]` int32.
 * @param options `s`: the previous scale.
 * @returns the new scale; use it for this step's {@link adaCosLogits}.
 *
 * @example
 * s = adaCosScale(cos, labels, { s });
 * const logits = adaCosLogits(cos, labels, { s });
 */
export function adaCosScale(cos: tf.Tensor2D, labels: tf.Tensor1D, options: AdaCosOptions): number {
  const fn = 'adaCosScale';
  checkOptionKeys(fn, options, ['s']);
  checkCosLabels(fn, cos, labels);
  const sOld = checkNumber(fn, 's', options?.s, { positive: true });
  const [batch, classes] = cos.shape;
  const values = cos.dataSync();
  const labelValues = labels.dataSync();
  let bSum = 0;
  let rows = 0;
  const targetAngles: number[] = [];
  for (let i = 0; i < batch; i++) {
    const y = labelValues[i]!;
    if (y < 0 || y >= classes) continue;
    rows++;
    for (let j = 0; j < classes; j++) {
      const c = values[i * classes + j]!;
      if (j === y) targetAngles.push(Math.acos(Math.min(1 - ACOS_EPSILON, Math.max(-1 + ACOS_EPSILON, c))));
      else bSum += Math.exp(sOld * c);
    }
  }
  if (rows === 0) return sOld;
  targetAngles.sort((a, b) => a - b);
  const median = targetAngles[(targetAngles.length - 1) >> 1]!;
  return Math.log(bSum / rows) / Math.cos(Math.min(Math.PI / 4, median));
}

/**
 * AdaCos logits: `s · cos` with the adaptive scale of {@link adaCosScale}, no margin (AdaCos paper;
 * FaceX-Zoo). s is state, not a trainable parameter.
 *
 * @param cos `[batch, classes]` cosines, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids; checked only.
 * @param options `s`: the scale for this step (required).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const logits = adaCosLogits(cos, labels, { s: adaCosScale(cos, labels, { s: sPrev }) });
 */
export function adaCosLogits(cos: tf.Tensor2D, labels: tf.Tensor1D, options: AdaCosOptions): tf.Tensor2D {
  const fn = 'adaCosLogits';
  checkOptionKeys(fn, options, ['s']);
  checkCosLabels(fn, cos, labels);
  const s = checkNumber(fn, 's', options?.s, { positive: true });
  return tf.tidy(() => tf.mul(cos, s));
}
