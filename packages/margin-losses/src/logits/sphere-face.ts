import * as tf from '@tensorflow/tfjs-core';

import { stopGradient } from '@frx/tensor-utils';

import {
  checkCosLabels,
  checkNumber,
  checkOptionKeys,
  MarginOptionError,
  replaceTarget,
  targetMask,
} from './shared';

/** Options of {@link sphereFaceLogits}. */
export interface SphereFaceOptions {
  /** Integer multiplicative margin m ≥ 1. Default 4 (SphereFace paper). */
  m?: number;
  /**
   * Annealing weight λ ≥ 0: target `(λ·cos θ + ψ(θ)) / (1 + λ)`. Default 0 (the paper's pure ψ); use
   * {@link sphereFaceLambda} for the face.evoLVe schedule.
   */
  lambda?: number;
  /**
   * Feature norms `‖x‖`, `[batch]`: SphereFace does not normalise features, so every logit of row i is
   * multiplied by `featureNorms[i]` (the gradient reaches the norms). Default: no scaling (all ones).
   */
  featureNorms?: tf.Tensor1D;
}

/** Options of {@link sphereFaceLambda}; defaults are face.evoLVe's `SphereFace` head. */
export interface SphereFaceLambdaOptions {
  /** Default 1000. */
  base?: number;
  /** Default 0.12. */
  gamma?: number;
  /** Default 1. */
  power?: number;
  /** Default 5. */
  lambdaMin?: number;
}

/**
 * The SphereFace λ annealing schedule `max(λ_min, base·(1 + γ·iteration)^(−power))` (face.evoLVe
 * `head/metrics.py`; iteration counts forward passes from 1).
 *
 * @example
 * sphereFaceLambda(1); // 892.857
 */
export function sphereFaceLambda(iteration: number, options: SphereFaceLambdaOptions = {}): number {
  checkOptionKeys('sphereFaceLambda', options, ['base', 'gamma', 'power', 'lambdaMin']);
  const { base = 1000, gamma = 0.12, power = 1, lambdaMin = 5 } = options;
  checkNumber('sphereFaceLambda', 'iteration', iteration);
  return Math.max(lambdaMin, base * Math.pow(1 + gamma * iteration, -power));
}

/** Chebyshev polynomial T_m(c) = cos(m·acos c) by the recurrence T_{n+1} = 2c·T_n − T_{n−1}. */
function chebyshev(c: tf.Tensor1D, m: number): tf.Tensor1D {
  let previous: tf.Tensor1D = tf.onesLike(c);
  let current: tf.Tensor1D = c;
  for (let n = 1; n < m; n++) {
    const next: tf.Tensor1D = tf.sub(tf.mul(tf.mul(c, 2), current), previous);
    previous = current;
    current = next;
  }
  return current;
}

/**
 * SphereFace (A-Softmax): multiplicative angular margin with the monotonic extension
 * `ψ(θ) = (−1)^k·cos(mθ) − 2k`, `k = ⌊mθ/π⌋`, target `(λ·cos θ + ψ(θ)) / (1 + λ)`, every logit times the
 * feature norm (Liu et al., "SphereFace", arXiv 1704.08063; annealing as in face.evoLVe). `cos(mθ)` is a
 * Chebyshev polynomial of `cos θ`, so the gradient is exact and finite at ±1; `k` carries no gradient.
 *
 * @param cos `[batch, classes]` cosines between features and normalised class centres, in [-1, 1].
 * @param labels `[batch]` int32 class ids; -1 rows get no margin.
 * @param options `m` (4), `lambda` (0), `featureNorms` (none).
 * @returns `[batch, classes]` logits.
 *
 * @example
 * const logits = sphereFaceLogits(cos, labels, { m: 4, lambda: sphereFaceLambda(step), featureNorms });
 */
export function sphereFaceLogits(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: SphereFaceOptions = {},
): tf.Tensor2D {
  const fn = 'sphereFaceLogits';
  checkOptionKeys(fn, options, ['m', 'lambda', 'featureNorms']);
  checkCosLabels(fn, cos, labels);
  const m = options.m ?? 4;
  if (!Number.isInteger(m) || m < 1)
    throw new MarginOptionError(`${fn}: option 'm' must be an integer >= 1, got ${m}`);
  const lambda = checkNumber(fn, 'lambda', options.lambda ?? 0);
  if (lambda < 0) throw new MarginOptionError(`${fn}: option 'lambda' must be >= 0, got ${lambda}`);
  const norms = options.featureNorms;
  if (norms !== undefined && (norms.rank !== 1 || norms.shape[0] !== cos.shape[0])) {
    throw new MarginOptionError(
      `${fn}: option 'featureNorms' must be [batch] = [${cos.shape[0]}], got [${norms.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const mask = targetMask(labels, cos.shape[1]);
    const target = (t: tf.Tensor1D) => {
      const c = tf.clipByValue(t, -1, 1);
      const theta = tf.acos(stopGradient(c));
      const k = tf.minimum(tf.floor(tf.div(tf.mul(theta, m), Math.PI)), m - 1);
      const sign = tf.sub(1, tf.mul(tf.mod(k, 2), 2));
      const psi = tf.sub(tf.mul(sign, chebyshev(c, m)), tf.mul(k, 2));
      return tf.div<tf.Tensor1D>(tf.add(tf.mul(c, lambda), psi), 1 + lambda);
    };
    const margined = replaceTarget(cos, mask, target, 'exact');
    return norms === undefined ? margined : tf.mul(margined, tf.expandDims(norms, 1));
  });
}
