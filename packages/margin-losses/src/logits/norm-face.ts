import * as tf from '@tensorflow/tfjs-core';

import { checkCosLabels, checkNumber, checkOptionKeys } from './shared';

/** Options of {@link normFaceLogits}. */
export interface NormFaceOptions {
  /** Scale s. Default 64 (insightface preset "nsoftmax"). */
  s?: number;
}

/**
 * NormFace: scaled cosine logits `s · cos θ_j` for every class, no margin (Wang et al., "NormFace",
 * arXiv 1704.06369; insightface preset (1, 0, 0)).
 *
 * @param cos `[batch, classes]` cosines, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids (-1 = ignored); checked only.
 * @param options `s` (default 64).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const logits = normFaceLogits(cos, labels, { s: 32 });
 */
export function normFaceLogits(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: NormFaceOptions = {},
): tf.Tensor2D {
  checkOptionKeys('normFaceLogits', options, ['s']);
  checkCosLabels('normFaceLogits', cos, labels);
  const s = checkNumber('normFaceLogits', 's', options.s ?? 64, { positive: true });
  return tf.tidy(() => tf.mul(cos, s));
}
