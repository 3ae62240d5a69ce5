import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { oneOf, positiveInt } from '../internal/validate';
import { type CallKwargs, channelsOf, type LayerArgs, singleShape } from './layer-args';
import { readSpectralKernel } from './spectral-normalization';

/** Constructor arguments of {@link SpectralConv2D}. */
export interface SpectralConv2DArgs extends LayerArgs {
  /** Output channels. Required. */
  filters: number;
  /** Square kernel size. Required. */
  kernelSize: number;
  /** Stride. Default `1`. */
  strides?: number;
  /** TensorFlow padding rule. Default `'same'` (k 4 s 2 and k 3 s 1 equal PyTorch padding 1). */
  padding?: 'same' | 'valid';
  /** Add a bias. Default `true`. */
  useBias?: boolean;
  /** Apply spectral normalisation. Default `true`; `false` gives a plain convolution. */
  spectralNorm?: boolean;
  /** Power-iteration steps per training call. Default `1`. */
  powerIterations?: number;
  /** Seed of the N(0, 0.02) kernel initialiser (DCGAN). Default unseeded. */
  seed?: number;
}

/** Standard deviation of the DCGAN weight initialiser (Radford et al. 2016). */
export const DCGAN_INIT_STDDEV = 0.02;

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
export class SpectralConv2D extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxSpectralConv2D';

  declare readonly filters: number;
  declare readonly kernelSize: number;
  declare readonly strides: number;
  declare readonly padding: 'same' | 'valid';
  declare readonly useBias: boolean;
  declare readonly spectralNorm: boolean;
  declare readonly powerIterations: number;
  declare readonly seed: number | undefined;
  declare private kernel: tfl.LayerVariable | null;
  declare private bias: tfl.LayerVariable | null;
  declare private u: tfl.LayerVariable | null;

  constructor(args: SpectralConv2DArgs) {
    const {
      filters,
      kernelSize,
      strides = 1,
      padding = 'same',
      useBias = true,
      spectralNorm = true,
      powerIterations = 1,
      seed,
      ...base
    } = args;
    super(base);
    this.filters = positiveInt('SpectralConv2D', 'filters', filters);
    this.kernelSize = positiveInt('SpectralConv2D', 'kernelSize', kernelSize);
    this.strides = positiveInt('SpectralConv2D', 'strides', strides);
    this.padding = oneOf('SpectralConv2D', 'padding', padding, ['same', 'valid']);
    this.useBias = useBias;
    this.spectralNorm = spectralNorm;
    this.powerIterations = positiveInt('SpectralConv2D', 'powerIterations', powerIterations);
    this.seed = seed;
    this.kernel = null;
    this.bias = null;
    this.u = null;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const c = channelsOf('SpectralConv2D', inputShape);
    const k = this.kernelSize;
    this.kernel = this.addWeight(
      'kernel',
      [k, k, c, this.filters],
      'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev: DCGAN_INIT_STDDEV, seed: this.seed }),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    if (this.spectralNorm) {
      this.u = this.addWeight(
        'sn_u',
        [this.filters],
        'float32',
        tfl.initializers.randomNormal({
          mean: 0,
          stddev: 1,
          seed: this.seed === undefined ? undefined : this.seed + 3,
        }),
        undefined,
        false,
      );
    }
    this.built = true;
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
      const kernel = readSpectralKernel<tf.Tensor4D>(
        this.kernel!,
        this.spectralNorm ? this.u : null,
        this.powerIterations,
        kwargs.training === true,
      );
      const y = tf.conv2d(x, kernel, this.strides, this.padding);
      return this.useBias ? tf.add(y, this.bias!.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      useBias: this.useBias,
      spectralNorm: this.spectralNorm,
      powerIterations: this.powerIterations,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return { ...config, ...super.getConfig() };
  }
}
