import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { positiveInt } from '../internal/validate';
import { type CallKwargs, channelsOf, type LayerArgs, singleShape } from './layer-args';
import { DCGAN_INIT_STDDEV } from './spectral-conv-2d';
import { readSpectralKernel } from './spectral-normalization';

/** Constructor arguments of {@link SpectralDense}. */
export interface SpectralDenseArgs extends LayerArgs {
  /** Output units. Required. */
  units: number;
  /** Add a bias. Default `true`. */
  useBias?: boolean;
  /** Apply spectral normalisation. Default `true`. */
  spectralNorm?: boolean;
  /** Power-iteration steps per training call. Default `1`. */
  powerIterations?: number;
  /** Seed of the N(0, 0.02) kernel initialiser. Default unseeded. */
  seed?: number;
}

/**
 * A fully connected layer with a spectrally normalised kernel (Miyato et al. 2018); u is updated in training
 * calls only. Input `[batch, in]` → `[batch, units]`.
 *
 * @example
 * const score = new SpectralDense({ units: 1 }).apply(features, { training: true }) as tf.Tensor2D;
 */
export class SpectralDense extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxSpectralDense';

  declare readonly units: number;
  declare readonly useBias: boolean;
  declare readonly spectralNorm: boolean;
  declare readonly powerIterations: number;
  declare readonly seed: number | undefined;
  declare private kernel: tfl.LayerVariable | null;
  declare private bias: tfl.LayerVariable | null;
  declare private u: tfl.LayerVariable | null;

  constructor(args: SpectralDenseArgs) {
    const { units, useBias = true, spectralNorm = true, powerIterations = 1, seed, ...base } = args;
    super(base);
    this.units = positiveInt('SpectralDense', 'units', units);
    this.useBias = useBias;
    this.spectralNorm = spectralNorm;
    this.powerIterations = positiveInt('SpectralDense', 'powerIterations', powerIterations);
    this.seed = seed;
    this.kernel = null;
    this.bias = null;
    this.u = null;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const inDim = channelsOf('SpectralDense', inputShape);
    this.kernel = this.addWeight(
      'kernel',
      [inDim, this.units],
      'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev: DCGAN_INIT_STDDEV, seed: this.seed }),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    if (this.spectralNorm) {
      this.u = this.addWeight(
        'sn_u',
        [this.units],
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
    return [singleShape(inputShape)[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const kernel = readSpectralKernel<tf.Tensor2D>(
        this.kernel!,
        this.spectralNorm ? this.u : null,
        this.powerIterations,
        kwargs.training === true,
      );
      const y = tf.matMul(x, kernel);
      return this.useBias ? tf.add(y, this.bias!.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      units: this.units,
      useBias: this.useBias,
      spectralNorm: this.spectralNorm,
      powerIterations: this.powerIterations,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return { ...config, ...super.getConfig() };
  }
}
