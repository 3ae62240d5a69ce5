import * as tf from '@tensorflow/tfjs-core';

import { asTensor, convGeometry, fullCorrelationInput } from './conv-geometry';

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (missing from tfjs-backend-wasm 4.22):
 * `dx[n, i, j, c] = Σ_{m, kh, kw} dy[n, (i + pt − kh·d) / s, (j + pl − kw·d) / s, c·M + m] · w[kh, kw, c, m]`
 * over the positions where the division is exact.
 *
 * Written as the textbook transposed convolution on the native depthwise kernel: zeros inserted
 * between dy's strided positions, "full" padding, a stride-1 depthwise correlation with the spatially
 * flipped filter (multiplier 1 over the `channels * M` dy channels, dilation kept), then a sum over the
 * M outputs of each input channel. Inputs: `dy` `[batch, outHeight, outWidth, channels * M]`, `filter`
 * `[kh, kw, channels, M]`; attrs as tfjs's `DepthwiseConv2dNativeBackpropInputAttrs`.
 */
export const depthwiseConv2dBackpropInputKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const dyInfo = inputs.dy!;
  const filterInfo = inputs.filter!;
  const name = tf.DepthwiseConv2dNativeBackpropInput;
  const g = convGeometry(name, a.inputShape, filterInfo.shape, dyInfo.shape, a, true);
  const [kh, kw, channels, multiplier] = filterInfo.shape as [number, number, number, number];
  return tf.tidy(() => {
    const dy = tf.cast(asTensor<tf.Rank.R4>(dyInfo), 'float32');
    const filter = tf.cast(asTensor<tf.Rank.R4>(filterInfo), 'float32');
    const full = fullCorrelationInput(dy, g);
    const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, channels * multiplier, 1]);
    const perOutput = tf.depthwiseConv2d(full, flipped as tf.Tensor4D, 1, 'valid', 'NHWC', [
      g.dilationHeight,
      g.dilationWidth,
    ]);
    if (multiplier === 1) return perOutput;
    const [n, h, w] = perOutput.shape;
    return tf.sum(tf.reshape(perOutput, [n, h, w, channels, multiplier]), 4);
  });
};
