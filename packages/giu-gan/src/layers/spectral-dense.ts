import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { positiveInt } from '../internal/validate';
import { type CallKwargs, channelsOf, singleShape } from './layer-args';
import { SpectralLayer, type SpectralLayerArgs } from './spectral-layer';

/** Constructor arguments of {@link SpectralDense}. */
export interface SpectralDenseArgs extends SpectralLayerArgs {
  /** Output units. Required. */
  units: number;
}

/**
 * A fully connected layer with a spectrally normalised kernel (Miyato et al. 2018); u is updated in training
 * calls only. Input `[batch, in]` → `[batch, units]`.
 *
 * @example
 * const score = new SpectralDense({ units: 1 }).apply(features, { training: true }) as tf.Tensor2D;
 */
export class SpectralDense extends SpectralLayer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxSpectralDense';

  declare readonly units: number;

  constructor(args: SpectralDenseArgs) {
    const { units, ...rest } = args;
    super('SpectralDense', rest);
    this.units = positiveInt('SpectralDense', 'units', units);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.addSpectralWeights([channelsOf('SpectralDense', inputShape), this.units]);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [singleShape(inputShape)[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      return this.withBias(tf.matMul(x, this.spectralKernel<tf.Tensor2D>(kwargs.training === true)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { units: this.units, ...this.spectralConfig(), ...super.getConfig() };
  }
}
