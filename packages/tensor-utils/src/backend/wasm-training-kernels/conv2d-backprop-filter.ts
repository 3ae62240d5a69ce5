import * as tf from '@tensorflow/tfjs-core';

import { asTensor, buildTapSource, convGeometry, toChannelsLast } from './conv-geometry';

/**
 * `Conv2DBackpropFilter` for the wasm backend (missing from tfjs-backend-wasm 4.22): the filter gradient
 * `dW[kh, kw, ci, co] = Σ_{n,h,w} xPad[n, h·s + kh, w·s + kw, ci] · dy[n, h, w, co]`.
 *
 * One `[inChannels, rows] × [rows, outChannels]` matrix product per filter tap on the native (XNNPACK)
 * matMul, where each tap's input window is a block of a phase-rearranged input (see `buildTapSource`)
 * copied as `inChannels` contiguous runs, so no strided element copies and no transposed matMul (which
 * is ~10× slower on wasm) are needed. Inputs: `x` `[batch, inHeight, inWidth, inChannels]`, `dy` `[batch, outHeight, outWidth,
 * outChannels]` (NCHW accepted and transposed); attrs as tfjs's `Conv2DBackpropFilterAttrs`.
 */
export const conv2dBackpropFilterKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const xInfo = inputs.x!;
  const dyInfo = inputs.dy!;
  const g = convGeometry(tf.Conv2DBackpropFilter, xInfo.shape, a.filterShape, dyInfo.shape, a, false);
  return tf.tidy(() => {
    const x = toChannelsLast(tf.cast(asTensor<tf.Rank.R4>(xInfo), 'float32'), a.dataFormat);
    const dy = toChannelsLast(tf.cast(asTensor<tf.Rank.R4>(dyInfo), 'float32'), a.dataFormat);
    const taps = buildTapSource(x, g);
    // Tap windows as column blocks of [inChannels, rows]: a slice copies inChannels contiguous runs.
    const columns = tf.transpose(taps.rows);
    // dy on the wide grid, as [rows, outChannels]: the same matrix for every tap, so the native matMul
    // packs it once (tfjs-backend-wasm caches the packed right operand per tensor).
    const dyWide = tf.pad(dy, [
      [0, 0],
      [0, 0],
      [0, taps.wideWidth - g.outWidth],
      [0, 0],
    ]);
    const dyRows = tf.reshape(tf.transpose(dyWide, [1, 2, 0, 3]), [taps.windowRows, g.outChannels]);
    const perTap: tf.Tensor2D[] = [];
    for (let kh = 0; kh < g.filterHeight; kh++) {
      for (let kw = 0; kw < g.filterWidth; kw++) {
        const window = tf.slice(columns, [0, taps.windowStart(kh, kw)], [g.inChannels, taps.windowRows]);
        perTap.push(tf.matMul(window, dyRows));
      }
    }
    return tf.reshape(tf.stack(perTap), [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  });
};
