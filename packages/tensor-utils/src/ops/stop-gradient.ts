import * as tf from '@tensorflow/tfjs-core';

/**
 * Identity in the forward pass, zero gradient in the backward pass: PyTorch's `x.detach()` /
 * TensorFlow's `tf.stop_gradient`, which tfjs lacks (tfjs issues 967, 7438). Margin losses use it
 * for straight-through margins: `cos + stopGradient(marginal - cos)` has the value of `marginal` and the
 * gradient of `cos`.
 *
 * @param x any shape.
 * @returns a copy of `x` that no gradient flows through.
 *
 * @example
 * const logits = tf.add(cos, stopGradient(tf.sub(withMargin, cos)));
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((input, save) => {
    void save;
    const t = input as tf.Tensor;
    return { value: tf.clone(t), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return op(x) as T;
}
