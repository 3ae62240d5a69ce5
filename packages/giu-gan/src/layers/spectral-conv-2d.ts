import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { oneOf, positiveInt } from '../internal/validate';
import { type CallKwargs, channelsOf, singleShape } from './layer-args';
import { SpectralLayer, type SpectralLayerArgs } from './spectral-layer';

/** Constructor arguments of {@link SpectralConv2D}. */
export interface SpectralConv2DArgs extends SpectralLayerArgs {
  /** Output channels. Required. */
  filters: number;
  /** Square kernel size. Required. */
  kernelSize: number;
  /** Stride. Default `1`. */
  strides?: number;
  /** TensorFlow padding rule. Default `'same'` (k 4 s 2 and k 3 s 1 equal PyTorch padding 1). */
  padding?: 'same' | 'valid';
}

/**
 * A 2-D convolution whose kernel is spectrally normalised at every call ({@link spectralNormalize};
 * Miyato et al. 2018), the discriminator layer of SN-GAN and SAGAN. The persistent u vector is updated in
 * training calls only (`apply(x, { training: true })`), as PyTorch's `spectral_norm` in `train()` mode.
 *
 * Input `[batch, height, width, inChannels]` → `[batch, height', width', filters]`.
 *
 * @example
 * const conv = new SpectralConv2D({ filters: 128, kernelSize: 4, strides: 2 });
 * const y = conv.apply(x, { training: true }) as tf.Tensor4D; // [8, 32, 32, 64] → [8, 16, 16, 128]
 */
export class SpectralConv2D extends SpectralLayer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxSpectralConv2D';

  declare readonly filters: number;
  declare readonly kernelSize: number;
  declare readonly strides: number;
  declare readonly padding: 'same' | 'valid';

  constructor(args: SpectralConv2DArgs) {
    const { filters, kernelSize, strides = 1, padding = 'same', ...rest } = args;
    super('SpectralConv2D', rest);
    this.filters = positiveInt('SpectralConv2D', 'filters', filters);
    this.kernelSize = positiveInt('SpectralConv2D', 'kernelSize', kernelSize);
    this.strides = positiveInt('SpectralConv2D', 'strides', strides);
    this.padding = oneOf('SpectralConv2D', 'padding', padding, ['same', 'valid']);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const k = this.kernelSize;
    this.addSpectralWeights([k, k, channelsOf('SpectralConv2D', inputShape), this.filters]);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w] = singleShape(inputShape);
    const size = (d: number | null | undefined) => {
      if (d == null) return null;
      return this.padding === 'same'
        ? Math.ceil(d / this.strides)
        : Math.floor((d - this.kernelSize) / this.strides) + 1;
    };
    return [n ?? null, size(h), size(w), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const kernel = this.spectralKernel<tf.Tensor4D>(kwargs.training === true);
      return this.withBias(tf.conv2d(x, kernel, this.strides, this.padding));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      ...this.spectralConfig(),
      ...super.getConfig(),
    };
  }
}
