import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { positiveInt } from '../internal/validate';
import { channelsOf, type LayerArgs } from './layer-args';

/** Channel reduction of the query/key projections in SAGAN (C → C / 8). */
export const SAGAN_ATTENTION_REDUCTION = 8;

/** Constructor arguments of {@link SelfAttention}. */
export interface SelfAttentionArgs extends LayerArgs {
  /** Query/key channels = max(1, floor(C / reduction)). Default `8`. */
  reduction?: number;
  /** Seed of the Glorot-uniform initialisers. Default unseeded. */
  seed?: number;
}

/**
 * SAGAN self-attention (Zhang, Goodfellow, Metaxas, Odena, "Self-Attention Generative Adversarial Networks",
 * ICML 2019, arXiv 1805.08318), paper formulation: f, g = 1×1 conv C → C/8, h = 1×1 conv C → C;
 * β_{j,i} = softmax_i(f(x_i)ᵀ g(x_j)); o_j = Σ_i β_{j,i} h(x_i); y = x + γ·o with γ initialised to 0.
 * The non-GIU baseline of the GAN backbones. Memory is O((H·W)²) per sample.
 *
 * Input `[batch, height, width, channels]` → same shape.
 *
 * @example
 * const y = new SelfAttention().apply(x) as tf.Tensor4D; // [8, 16, 16, 128]
 */
export class SelfAttention extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxSelfAttention';

  declare readonly reduction: number;
  declare readonly seed: number | undefined;
  declare private query: tfl.LayerVariable | null;
  declare private key: tfl.LayerVariable | null;
  declare private value: tfl.LayerVariable | null;
  declare private gamma: tfl.LayerVariable | null;

  constructor(args: SelfAttentionArgs = {}) {
    const { reduction = SAGAN_ATTENTION_REDUCTION, seed, ...base } = args;
    super(base);
    this.reduction = positiveInt('SelfAttention', 'reduction', reduction);
    this.seed = seed;
    this.query = null;
    this.key = null;
    this.value = null;
    this.gamma = null;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const c = channelsOf('SelfAttention', inputShape);
    const ck = Math.max(1, Math.floor(c / this.reduction));
    const glorot = (offset: number) =>
      tfl.initializers.glorotUniform({ seed: this.seed === undefined ? undefined : this.seed + offset });
    this.query = this.addWeight('query_kernel', [c, ck], 'float32', glorot(0));
    this.key = this.addWeight('key_kernel', [c, ck], 'float32', glorot(1));
    this.value = this.addWeight('value_kernel', [c, c], 'float32', glorot(2));
    this.gamma = this.addWeight('gamma', [1], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [n, h, w, c] = x.shape;
      const flat = tf.reshape<tf.Rank.R2>(x, [n * h * w, c]);
      const project = (kernel: tfl.LayerVariable) =>
        tf.reshape<tf.Rank.R3>(tf.matMul(flat, kernel.read()), [n, h * w, -1]);
      const f = project(this.query!);
      const g = project(this.key!);
      const hv = project(this.value!);
      // scores[j, i] = g(x_j)ᵀ f(x_i); softmax over i.
      const beta = tf.softmax(tf.matMul(g, f, false, true));
      const o = tf.reshape(tf.matMul(beta, hv), [n, h, w, c]);
      return tf.add(x, tf.mul(this.gamma!.read(), o));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { reduction: this.reduction };
    if (this.seed !== undefined) config.seed = this.seed;
    return { ...config, ...super.getConfig() };
  }
}
