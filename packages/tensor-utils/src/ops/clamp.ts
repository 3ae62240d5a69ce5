import * as tf from '@tensorflow/tfjs-core';

/**
 * Clips `x` to `[min, max]` and, unlike `tf.clipByValue`, passes the gradient straight through at and
 * beyond the bounds (straight-through estimator). Use it where the clip only guards a domain, such as
 * cosines fed to `acos`, and cutting the gradient to zero would freeze saturated samples.
 *
 * @param x any shape.
 * @param min lower bound.
 * @param max upper bound; must be >= `min`.
 * @returns `clip(x, min, max)`, with `d/dx = 1` everywhere.
 *
 * @example
 * const cos = clampStraightThrough(tf.matMul(f, w), -1, 1);
 */
export function clampStraightThrough<T extends tf.Tensor>(x: T, min: number, max: number): T {
  if (!(min <= max)) throw new RangeError(`clampStraightThrough: min ${min} must be <= max ${max}`);
  const op = tf.customGrad((input, save) => {
    void save;
    return {
      value: tf.clipByValue(input as tf.Tensor, min, max),
      gradFunc: (dy: tf.Tensor) => tf.clone(dy),
    };
  });
  return op(x) as T;
}

/**
 * Clamps cosines into `[-1 + margin, 1 - margin]` so that `acos` and its derivative
 * `-1 / sqrt(1 - x^2)` stay finite at cos = ±1 (a feature exactly on its class centre).
 * The gradient is the ordinary clip gradient (zero outside the open interval).
 *
 * @param cos cosine similarities, any shape, e.g. `[batch, classes]`.
 * @param margin distance kept from ±1. Default `1e-7`, enough in float32 for `acos` to stay finite.
 * @returns the clamped cosines.
 */
export function clampCosine<T extends tf.Tensor>(cos: T, margin = 1e-7): T {
  if (!(margin >= 0 && margin < 1)) throw new RangeError(`clampCosine: margin ${margin} must be in [0, 1)`);
  return tf.clipByValue<T>(cos, -1 + margin, 1 - margin);
}

/**
 * `log(max(x, epsilon))`: a logarithm that stays finite at zero, for probabilities and norms.
 *
 * @param x any shape, expected non-negative.
 * @param epsilon floor. Default `1e-12`.
 */
export function safeLog<T extends tf.Tensor>(x: T, epsilon = 1e-12): T {
  return tf.tidy(() => tf.log(tf.maximum(x, epsilon)) as T);
}
