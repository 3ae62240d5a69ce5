import * as tf from '@tensorflow/tfjs-core';

/** Test helper: the unscaled target logit `t′(cos θ)` of a margin function, one row per input angle. */
export function targetLogits(
  fn: (cos: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor2D,
  cosines: number[],
): number[] {
  return tf.tidy(() => {
    const cos = tf.tensor2d(cosines.map((c) => [c, 0]));
    const labels = tf.zeros<tf.Rank.R1>([cosines.length], 'int32');
    return Array.from(tf.slice(fn(cos, labels), [0, 0], [-1, 1]).dataSync());
  });
}

/** Test helper: d t′ / d cos θ per input cosine (s must be 1). */
export function targetDerivatives(
  fn: (cos: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor2D,
  cosines: number[],
): number[] {
  return tf.tidy(() => {
    const cos = tf.tensor2d(cosines.map((c) => [c, 0]));
    const labels = tf.zeros<tf.Rank.R1>([cosines.length], 'int32');
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(fn(x as tf.Tensor2D, labels), [0, 0], [-1, 1])))(
      cos,
    );
    return Array.from(tf.slice(grad, [0, 0], [-1, 1]).dataSync());
  });
}

/** Test helper: loss and d loss / d cos for one row with label 0. */
export function lossAndGrad(
  fn: (cos: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor2D,
  cosRow: number[],
  crossEntropy: (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar,
): { loss: number; grad: number[] } {
  return tf.tidy(() => {
    const cos = tf.tensor2d([cosRow]);
    const labels = tf.tensor1d([0], 'int32');
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor2D) => crossEntropy(fn(x, labels), labels))(cos);
    return { loss: value.dataSync()[0]!, grad: Array.from(grad.dataSync()) };
  });
}

/** Degrees to cosine. */
export const cosDeg = (degrees: number): number => Math.cos((degrees * Math.PI) / 180);
