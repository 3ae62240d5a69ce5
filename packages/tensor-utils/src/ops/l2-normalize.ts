import * as tf from '@tensorflow/tfjs-core';

/** Default floor under the L2 norm in {@link l2Normalize}; the value PyTorch's `F.normalize` uses. */
export const L2_NORMALIZE_EPSILON = 1e-12;

/**
 * Divides `x` by its L2 norm along `axis`, with the norm floored at `epsilon` so a zero vector maps to
 * zero (not NaN) in the forward pass and gets a finite gradient. Same definition as PyTorch's
 * `torch.nn.functional.normalize(x, p=2, dim=axis, eps=epsilon)`: `x / max(||x||, eps)`.
 *
 * @param x any shape, e.g. features `[batch, dim]` or class centres `[dim, classes]`.
 * @param axis the axis to normalise along. Default `-1`.
 * @param epsilon floor under the norm. Default `1e-12`.
 * @returns a tensor of the shape of `x` whose slices along `axis` have unit norm (or are zero).
 *
 * @example
 * const unit = l2Normalize(embeddings, 1); // [batch, 512], rows of norm 1
 */
export function l2Normalize<T extends tf.Tensor>(x: T, axis = -1, epsilon = L2_NORMALIZE_EPSILON): T {
  return tf.tidy(() => {
    // sqrt is taken of max(sum, eps^2) rather than max(sqrt(sum), eps): same forward value, but the
    // gradient of sqrt at a zero sum would be Inf * 0 = NaN.
    const sumSquares = tf.sum(tf.square(x), axis, true);
    const norm = tf.sqrt(tf.maximum(sumSquares, epsilon * epsilon));
    return tf.div<T>(x, norm);
  });
}
