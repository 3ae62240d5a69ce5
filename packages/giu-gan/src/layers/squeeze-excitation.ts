import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { positiveInt } from '../internal/validate';
import { channelsOf, type LayerArgs } from './layer-args';

/** Reduction ratio r of the SE bottleneck (Hu et al. 2018). */
export const SE_REDUCTION = 16;

/** Constructor arguments of {@link SqueezeExcitation}. */
export interface SqueezeExcitationArgs extends LayerArgs {
  /** Reduction r: hidden units = max(1, floor(C / r)). Default `16`. */
  reduction?: number;
  /** Seed of the Glorot-uniform kernel initialisers. Default unseeded. */
  seed?: number;
}

/**
 * Squeeze-and-excitation channel attention (Hu, Shen, Sun, "Squeeze-and-Excitation Networks", CVPR 2018,
 * arXiv 1709.01507): z = GAP(x), s = σ(W₂·ReLU(W₁·z + b₁) + b₂), y = x ⊙ s.
 *
 * Input `[batch, height, width, channels]` → output of the same shape. The excitation alone,
 * `[batch, channels]`, is available through {@link SqueezeExcitation.excitation} (GIU wiring D).
 *
 * @example
 * const se = new SqueezeExcitation({ reduction: 16 });
 * const y = se.apply(x) as tf.Tensor4D; // [8, 16, 16, 64] → [8, 16, 16, 64]
 */
export class SqueezeExcitation extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxSqueezeExcitation';

  declare readonly reduction: number;
  declare readonly seed: number | undefined;
  declare private kernel1: tfl.LayerVariable | null;
  declare private bias1: tfl.LayerVariable | null;
  declare private kernel2: tfl.LayerVariable | null;
  declare private bias2: tfl.LayerVariable | null;

  constructor(args: SqueezeExcitationArgs = {}) {
    const { reduction = SE_REDUCTION, seed, ...base } = args;
    super(base);
    this.reduction = positiveInt('SqueezeExcitation', 'reduction', reduction);
    this.seed = seed;
    this.kernel1 = null;
    this.bias1 = null;
    this.kernel2 = null;
    this.bias2 = null;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const c = channelsOf('SqueezeExcitation', inputShape);
    const hidden = Math.max(1, Math.floor(c / this.reduction));
    const glorot = (seed: number | undefined) => tfl.initializers.glorotUniform({ seed });
    this.kernel1 = this.addWeight('squeeze_kernel', [c, hidden], 'float32', glorot(this.seed));
    this.bias1 = this.addWeight('squeeze_bias', [hidden], 'float32', tfl.initializers.zeros());
    this.kernel2 = this.addWeight(
      'excite_kernel',
      [hidden, c],
      'float32',
      glorot(this.seed === undefined ? undefined : this.seed + 1),
    );
    this.bias2 = this.addWeight('excite_bias', [c], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  /** The channel weights s = σ(W₂·ReLU(W₁·GAP(x) + b₁) + b₂): `[batch, channels]`. Builds the layer if needed. */
  excitation(x: tf.Tensor4D): tf.Tensor2D {
    if (!this.built) this.build(x.shape);
    return tf.tidy(() => {
      const z = tf.mean<tf.Tensor2D>(x, [1, 2]);
      const hidden = tf.relu(tf.add(tf.matMul(z, this.kernel1!.read() as tf.Tensor2D), this.bias1!.read()));
      return tf.sigmoid(
        tf.add(tf.matMul(hidden as tf.Tensor2D, this.kernel2!.read() as tf.Tensor2D), this.bias2!.read()),
      ) as tf.Tensor2D;
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const s = this.excitation(x);
      return tf.mul(x, tf.reshape(s, [x.shape[0], 1, 1, x.shape[3]]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { reduction: this.reduction };
    if (this.seed !== undefined) config.seed = this.seed;
    return { ...config, ...super.getConfig() };
  }
}
