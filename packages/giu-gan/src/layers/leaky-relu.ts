import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { GanOptionError } from '../internal/validate';
import type { LayerArgs } from './layer-args';

/** Constructor arguments of {@link TwiceDifferentiableLeakyReLU}. */
export interface TwiceDifferentiableLeakyReLUArgs extends LayerArgs {
  /** Slope for negative inputs, in [0, 1]. Default `0.1` (SN-GAN / SAGAN discriminators). */
  alpha?: number;
}

/**
 * LeakyReLU written as ½(1 + α)·x + ½(1 − α)·|x|, equal to max(x, αx) for α ≤ 1. Why not tfjs' own: its
 * LeakyRelu gradient is built on `Greater`, for which tfjs registers no gradient, so a gradient of a
 * gradient through it fails ("gradient function not found for Greater"); the |x| form differentiates
 * through Abs → Step, whose gradient is registered. Needed by the WGAN-GP penalty (Gulrajani et al. 2017).
 *
 * @example
 * model.add(new TwiceDifferentiableLeakyReLU({ alpha: 0.1 }));
 */
export class TwiceDifferentiableLeakyReLU extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxLeakyReLU';

  declare readonly alpha: number;

  constructor(args: TwiceDifferentiableLeakyReLUArgs = {}) {
    const { alpha = 0.1, ...base } = args;
    super(base);
    if (!(typeof alpha === 'number' && alpha >= 0 && alpha <= 1)) {
      throw new GanOptionError(`TwiceDifferentiableLeakyReLU: alpha must be in [0, 1], got ${String(alpha)}`);
    }
    this.alpha = alpha;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.add(tf.mul(x, (1 + this.alpha) / 2), tf.mul(tf.abs(x), (1 - this.alpha) / 2));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}
