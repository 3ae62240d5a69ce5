import * as tf from '@tensorflow/tfjs-core';

import { asTensor, buildTapSource, convGeometry, rowBlock } from './conv-geometry';

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (missing from tfjs-backend-wasm 4.22):
 * `dW[kh, kw, c, m] = Σ_{n,h,w} xPad[n, h·s + kh·d, w·s + kw·d, c] · dy[n, h, w, c·M + m]`.
 *
 * Per filter tap: one contiguous window of the phase-rearranged input (see `buildTapSource`), a native
 * broadcast multiply with dy and a native sum over rows. Inputs: `x` `[batch, inHeight, inWidth,
 * channels]`, `dy` `[batch, outHeight, outWidth, channels * multiplier]`; attrs as tfjs's
 * `DepthwiseConv2dNativeBackpropFilterAttrs` (strides, dilations, pad, dimRoundingMode, filterShape).
 */
export const depthwiseConv2dBackpropFilterKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const xInfo = inputs.x!;
  const dyInfo = inputs.dy!;
  const name = tf.DepthwiseConv2dNativeBackpropFilter;
  const g = convGeometry(name, xInfo.shape, a.filterShape, dyInfo.shape, a, true);
  const multiplier = a.filterShape[3];
  return tf.tidy(() => {
    const x = tf.cast(asTensor<tf.Rank.R4>(xInfo), 'float32');
    const dy = tf.cast(asTensor<tf.Rank.R4>(dyInfo), 'float32');
    const taps = buildTapSource(x, g);
    const dyWide = tf.pad(dy, [
      [0, 0],
      [0, 0],
      [0, taps.wideWidth - g.outWidth],
      [0, 0],
    ]);
    const dyRows = tf.reshape(tf.transpose(dyWide, [1, 2, 0, 3]), [
      taps.windowRows,
      g.inChannels,
      multiplier,
    ]);
    const perTap: tf.Tensor2D[] = [];
    for (let kh = 0; kh < g.filterHeight; kh++) {
      for (let kw = 0; kw < g.filterWidth; kw++) {
        const window = rowBlock(taps.rows, taps.windowStart(kh, kw), taps.windowRows);
        const product = tf.mul(tf.reshape(window, [taps.windowRows, g.inChannels, 1]), dyRows);
        perTap.push(tf.sum(product, 0));
      }
    }
    return tf.reshape(tf.stack(perTap), [g.filterHeight, g.filterWidth, g.inChannels, multiplier]);
  });
};
