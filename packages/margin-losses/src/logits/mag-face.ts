import * as tf from '@tensorflow/tfjs-core';

import {
  angle,
  checkCosLabels,
  checkNumber,
  checkOptionKeys,
  greaterNoGrad,
  MarginOptionError,
  replaceTarget,
  targetMask,
} from './shared';

/** Norm range and margin range of MagFace; defaults from FaceX-Zoo `head_conf.yaml` / the MagFace paper. */
export interface MagFaceNormOptions {
  /** Lower feature-norm bound l_a. Default 10. */
  lowerNorm?: number;
  /** Upper feature-norm bound u_a. Default 110. */
  upperNorm?: number;
}

/** Options of {@link magFaceLogits}. */
export interface MagFaceOptions extends MagFaceNormOptions {
  /** Raw feature norms `‖x‖`, `[batch]` (required; the backbone output must not be normalised). */
  norms: tf.Tensor1D;
  /** Scale s. Default 64 (FaceX-Zoo yaml; the class default there is 32). */
  s?: number;
  /** Margin at the lower norm, l_m. Default 0.45. */
  lowerMargin?: number;
  /** Margin at the upper norm, u_m. Default 0.8. */
  upperMargin?: number;
  /** Cosine margin used when θ + m(a) > π (FaceX-Zoo `margin_am`). Default 0. */
  fallbackMargin?: number;
}

/** Options of {@link magFaceRegularizer}. */
export interface MagFaceRegularizerOptions extends MagFaceNormOptions {
  /** Weight λ_g. Default 20. */
  lambda?: number;
}

function normBounds(fn: string, options: MagFaceNormOptions): [number, number] {
  const lower = checkNumber(fn, 'lowerNorm', options.lowerNorm ?? 10, { positive: true });
  const upper = checkNumber(fn, 'upperNorm', options.upperNorm ?? 110, { positive: true });
  if (!(upper > lower))
    throw new MarginOptionError(`${fn}: upperNorm ${upper} must exceed lowerNorm ${lower}`);
  return [lower, upper];
}

function checkNorms(fn: string, norms: tf.Tensor1D | undefined, batch: number): tf.Tensor1D {
  if (!(norms instanceof tf.Tensor) || norms.rank !== 1 || norms.shape[0] !== batch) {
    throw new MarginOptionError(
      `${fn}: option 'norms' must be a [batch] = [${batch}] tensor of feature norms`,
    );
  }
  return norms;
}

/**
 * MagFace: ArcFace with a margin that grows linearly with the clamped feature norm
 * `a = clamp(‖x‖, l_a, u_a)`, `m(a) = (u_m − l_m)/(u_a − l_a)·(a − l_a) + l_m`; target `cos(θ + m(a))`, or
 * `cos θ − fallbackMargin` when `θ + m(a) > π`; all logits times `s` (Meng et al., "MagFace",
 * arXiv 2103.06627; FaceX-Zoo `head/MagFace.py`). Fully differentiable: the gradient reaches the cosines
 * and, through m(a), the norms. Add {@link magFaceRegularizer} to the loss.
 *
 * @param cos `[batch, classes]` cosines, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids; -1 rows get no margin.
 * @param options `norms` (required, `[batch]`), `s` (64), `lowerNorm` (10), `upperNorm` (110),
 *   `lowerMargin` (0.45), `upperMargin` (0.8), `fallbackMargin` (0).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const norms = tf.norm(features, 2, 1);
 * const loss = tf.add(marginCrossEntropy(magFaceLogits(cos, labels, { norms }), labels), magFaceRegularizer(norms));
 */
export function magFaceLogits(cos: tf.Tensor2D, labels: tf.Tensor1D, options: MagFaceOptions): tf.Tensor2D {
  const fn = 'magFaceLogits';
  checkOptionKeys(fn, options, [
    'norms',
    's',
    'lowerNorm',
    'upperNorm',
    'lowerMargin',
    'upperMargin',
    'fallbackMargin',
  ]);
  checkCosLabels(fn, cos, labels);
  const norms = checkNorms(fn, options?.norms, cos.shape[0]);
  const s = checkNumber(fn, 's', options.s ?? 64, { positive: true });
  const [lowerNorm, upperNorm] = normBounds(fn, options);
  const lowerMargin = checkNumber(fn, 'lowerMargin', options.lowerMargin ?? 0.45);
  const upperMargin = checkNumber(fn, 'upperMargin', options.upperMargin ?? 0.8);
  const fallbackMargin = checkNumber(fn, 'fallbackMargin', options.fallbackMargin ?? 0);
  return tf.tidy(() => {
    const a = tf.clipByValue(norms, lowerNorm, upperNorm);
    const slope = (upperMargin - lowerMargin) / (upperNorm - lowerNorm);
    const margin = tf.add<tf.Tensor1D>(tf.mul(tf.sub(a, lowerNorm), slope), lowerMargin);
    const mask = targetMask(labels, cos.shape[1]);
    const target = (t: tf.Tensor1D) => {
      const withMargin = tf.cos(tf.add(angle(t, 'exact'), margin));
      // θ + m ≤ π  ⇔  t ≥ cos(π − m) = −cos m.
      return tf.where(
        greaterNoGrad(t, tf.neg(tf.cos(margin))),
        withMargin,
        tf.sub(t, fallbackMargin),
      ) as tf.Tensor1D;
    };
    return tf.mul(replaceTarget(cos, mask, target, 'exact'), s);
  });
}

/**
 * The MagFace feature-norm regulariser `λ_g · mean_i g(a_i)`, `g(a) = a/u_a² + 1/a`,
 * `a = clamp(‖x‖, l_a, u_a)` (MagFace paper eq. 5; FaceX-Zoo). Rewards larger norms for easy samples.
 *
 * @param norms `[batch]` raw feature norms.
 * @param options `lowerNorm` (10), `upperNorm` (110), `lambda` (20).
 * @returns a scalar.
 *
 * @example
 * const reg = magFaceRegularizer(tf.norm(features, 2, 1));
 */
export function magFaceRegularizer(norms: tf.Tensor1D, options: MagFaceRegularizerOptions = {}): tf.Scalar {
  const fn = 'magFaceRegularizer';
  checkOptionKeys(fn, options, ['lowerNorm', 'upperNorm', 'lambda']);
  checkNorms(fn, norms, norms?.shape?.[0] ?? -1);
  const [lowerNorm, upperNorm] = normBounds(fn, options);
  const lambda = checkNumber(fn, 'lambda', options.lambda ?? 20);
  return tf.tidy(() => {
    const a = tf.clipByValue(norms, lowerNorm, upperNorm);
    const g = tf.add(tf.div(a, upperNorm * upperNorm), tf.reciprocal(a));
    return tf.mul(tf.mean(g), lambda);
  });
}
