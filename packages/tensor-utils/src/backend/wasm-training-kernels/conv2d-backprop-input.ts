import * as tf from '@tensorflow/tfjs-core';

import { asTensor, convGeometry, fullCorrelationInput, toChannelsLast } from './conv-geometry';

/**
 * A faster `Conv2DBackpropInput` for the wasm backend. tfjs-backend-wasm 4.22 has one, but it runs at
 * about a tenth of the forward convolution's speed (measured in `bench/backend-gflops.ts`), which makes
 * it the bottleneck of conv-net training. This version is the textbook transposed convolution on the
 * native (XNNPACK) conv2d: zeros between dy's strided positions, "full" padding, a stride-1 'valid'
 * convolution with the spatially flipped filter whose in/out channels are swapped.
 *
 * Registered only when `registerWasmTrainingKernels({ replaceSlowKernels: true })` asks for it.
 * Inputs: `dy` `[batch, outHeight, outWidth, outChannels]`, `filter` `[kh, kw, inChannels,
 * outChannels]`; attrs as tfjs's `Conv2DBackpropInputAttrs` (NCHW accepted and transposed).
 */
export const conv2dBackpropInputKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const dyInfo = inputs.dy!;
  const filterInfo = inputs.filter!;
  const g = convGeometry(tf.Conv2DBackpropInput, a.inputShape, filterInfo.shape, dyInfo.shape, a, false);
  return tf.tidy(() => {
    const dy = toChannelsLast(tf.cast(asTensor<tf.Rank.R4>(dyInfo), 'float32'), a.dataFormat);
    const filter = tf.cast(asTensor<tf.Rank.R4>(filterInfo), 'float32');
    const full = fullCorrelationInput(dy, g);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const dx = tf.conv2d(full, flipped, 1, 'valid');
    return a.dataFormat === 'NCHW' ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
};
