import * as tf from '@tensorflow/tfjs-core';

import { stopGradient } from '@frx/tensor-utils';

/**
 * How the gradient of a margin that is a non-linear function of the angle is computed.
 * - `'straightThrough'`: the margin changes the forward value only; the backward pass treats the
 *   target logit as `cos` (arcface_torch `CombinedMarginLoss` and X2-Softmax's official code compute the
 *   margin under `torch.no_grad()` and write it in place).
 * - `'exact'`: full autodiff through `acos`, with cosines clamped to `[-1 + 1e-7, 1 - 1e-7]` first so the
 *   derivative `-1 / sqrt(1 - cos^2)` stays finite (pytorch-metric-learning, FaceX-Zoo).
 */
export type MarginGradient = 'straightThrough' | 'exact';

/** Distance from ±1 kept before `acos` in exact mode (pytorch-metric-learning, AdaCos). */
export const ACOS_EPSILON = 1e-7;

/** Thrown for bad arguments of the margin functions; the message names the function and the value. */
export class MarginOptionError extends TypeError {
  override readonly name = 'MarginOptionError';
}

/** Rejects option keys the function does not know (a typo must not silently fall back to a default). */
export function checkOptionKeys(fn: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new MarginOptionError(`${fn}: options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new MarginOptionError(`${fn}: unknown option '${key}' (known: ${allowed.join(', ') || 'none'})`);
    }
  }
}

/** A finite number, optionally strictly positive. */
export function checkNumber(fn: string, name: string, value: number, { positive = false } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive && !(value > 0))) {
    throw new MarginOptionError(
      `${fn}: option '${name}' must be a finite${positive ? ' positive' : ''} number, got ${String(value)}`,
    );
  }
  return value;
}

export function checkGradient(fn: string, value: MarginGradient): MarginGradient {
  if (value !== 'straightThrough' && value !== 'exact') {
    throw new MarginOptionError(
      `${fn}: option 'gradient' must be 'straightThrough' or 'exact', got ${String(value)}`,
    );
  }
  return value;
}

/** Checks `cos` is `[batch, classes]` float32 and `labels` is int32 `[batch]`. */
export function checkCosLabels(fn: string, cos: tf.Tensor, labels: tf.Tensor): void {
  if (!(cos instanceof tf.Tensor) || cos.rank !== 2) {
    throw new MarginOptionError(
      `${fn}: cos must be a rank-2 tensor [batch, classes], got shape [${cos?.shape?.join(', ')}]`,
    );
  }
  if (cos.dtype !== 'float32') throw new MarginOptionError(`${fn}: cos must be float32, got ${cos.dtype}`);
  if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== cos.shape[0]) {
    throw new MarginOptionError(
      `${fn}: labels must be a rank-1 tensor [batch] with batch ${cos.shape[0]}, got shape [${labels?.shape?.join(', ')}]`,
    );
  }
  if (labels.dtype !== 'int32')
    throw new MarginOptionError(`${fn}: labels must be int32, got ${labels.dtype}`);
}

/**
 * One-hot mask of the target column as float32 `[batch, classes]`. A label of -1 (or any label outside
 * `[0, classes)`) gives an all-zero row, so ignored rows get no margin.
 */
export function targetMask(labels: tf.Tensor1D, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(labels, classes), 'float32') as tf.Tensor2D);
}

/** The target cosine per row `[batch]` (0 for ignored rows); differentiable. */
export function targetCosine(cos: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(cos, mask), 1));
}

/**
 * `cos` with the target column `t` replaced by `margin(t)` (`margin` maps `[batch]` to `[batch]`).
 *
 * - `'exact'`: the gradient flows through `margin`.
 * - `'straightThrough'`: `margin` is evaluated on a stop-gradient copy of `cos`, so its value replaces the
 *   target logit while the backward pass sees the identity (arcface_torch computes the margin under
 *   `torch.no_grad()`). Detaching the input, not only the output, keeps an infinite `acos` derivative at
 *   `cos = ±1` from turning the zero gradient into `0 · ∞ = NaN` on the way back.
 */
export function replaceTarget(
  cos: tf.Tensor2D,
  mask: tf.Tensor2D,
  margin: (target: tf.Tensor1D) => tf.Tensor1D,
  gradient: MarginGradient,
): tf.Tensor2D {
  return tf.tidy(() => {
    if (gradient === 'straightThrough') {
      const target = targetCosine(stopGradient(cos), mask);
      const delta = tf.sub(margin(target), target);
      return tf.add(cos, tf.mul(mask, tf.expandDims(delta, 1)));
    }
    const target = targetCosine(cos, mask);
    return tf.add(cos, tf.mul(mask, tf.sub(tf.expandDims(margin(target), 1), cos)));
  });
}

/** `acos` of `cos` clamped for the chosen gradient mode (`[-1, 1]` or `[-1 + ε, 1 - ε]`). */
export function angle(cos: tf.Tensor, gradient: MarginGradient): tf.Tensor {
  return tf.tidy(() => {
    const margin = gradient === 'exact' ? ACOS_EPSILON : 0;
    return tf.acos(tf.clipByValue(cos, -1 + margin, 1 - margin));
  });
}

/**
 * `a > b` as a boolean tensor that the gradient tape accepts. tfjs has no gradient for comparison ops and
 * refuses to differentiate through a graph that contains one on the path to the loss, although a mask
 * carries no gradient; wrapping the comparison in a custom gradient that returns zeros fixes that.
 */
export function greaterNoGrad(a: tf.Tensor, b: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => {
    const op = tf.customGrad((x, y, save) => {
      void save;
      const left = x as tf.Tensor;
      const right = y as tf.Tensor;
      return {
        value: tf.cast(tf.greater(left, right), 'float32'),
        // From the shapes only: `right` may be a scalar of the tidy below, gone by the time the
        // backward pass runs (a backend whose ZerosLike reads its input, as tfjs-node's, would fail).
        gradFunc: () => [tf.zeros(left.shape), tf.zeros(right.shape)],
      };
    });
    const right = typeof b === 'number' ? tf.scalar(b) : b;
    return tf.cast(op(a, right), 'bool');
  });
}
