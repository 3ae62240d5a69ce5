import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { normalizeBatch, TORCH_BN_EPSILON, TORCH_BN_MOMENTUM } from '../internal/batch-norm';
import { finiteIn } from '../internal/validate';
import { channelsOf, type CallKwargs, type LayerArgs } from './layer-args';

/** Constructor arguments of {@link RepresentativeBatchNorm}. */
export interface RepresentativeBatchNormArgs extends LayerArgs {
  /** ε added to the variance. Default `1e-5` (PyTorch). */
  epsilon?: number;
  /** PyTorch-convention momentum: running ← (1 − m)·running + m·batch. Default `0.1` (= tfjs momentum 0.9). */
  momentum?: number;
}

/**
 * Representative BatchNorm (Gao, Han, Li, Cheng, Peng, "Representative Batch Normalization with Feature
 * Calibration", CVPR 2021), implemented from the paper's formulas, per channel:
 *
 *     x₁ = x + w_c ⊙ GAP(x)                      centring calibration (w_c init 0)
 *     x̂ = (x₁ − μ) / √(σ² + ε)                   batch statistics of x₁ in training, running ones otherwise
 *     y = γ ⊙ σ(w_s ⊙ GAP(x̂) + b_s) ⊙ x̂ + β     scaling calibration (w_s init 0, b_s init 1), affine (γ 1, β 0)
 *
 * Running statistics are those of x₁ with PyTorch's update (unbiased variance, momentum 0.1). At
 * initialisation y = σ(1)·x̂ ≈ 0.731·x̂, so RBN is not BN at init. The input is never modified.
 *
 * Input `[batch, height, width, channels]` → same shape. Pass `{ training: true }` to `apply` in training.
 *
 * @example
 * const rbn = new RepresentativeBatchNorm();
 * const y = rbn.apply(x, { training: true }) as tf.Tensor4D;
 */
export class RepresentativeBatchNorm extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxRepresentativeBatchNorm';

  declare readonly epsilon: number;
  declare readonly momentum: number;
  declare private gamma: tfl.LayerVariable | null;
  declare private beta: tfl.LayerVariable | null;
  declare private centerWeight: tfl.LayerVariable | null;
  declare private scaleWeight: tfl.LayerVariable | null;
  declare private scaleBias: tfl.LayerVariable | null;
  declare private movingMean: tfl.LayerVariable | null;
  declare private movingVariance: tfl.LayerVariable | null;

  constructor(args: RepresentativeBatchNormArgs = {}) {
    const { epsilon = TORCH_BN_EPSILON, momentum = TORCH_BN_MOMENTUM, ...base } = args;
    super(base);
    this.epsilon = finiteIn('RepresentativeBatchNorm', 'epsilon', epsilon, 0);
    this.momentum = finiteIn('RepresentativeBatchNorm', 'momentum', momentum, 0, 1);
    this.gamma = null;
    this.beta = null;
    this.centerWeight = null;
    this.scaleWeight = null;
    this.scaleBias = null;
    this.movingMean = null;
    this.movingVariance = null;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const c = channelsOf('RepresentativeBatchNorm', inputShape);
    const { ones, zeros } = tfl.initializers;
    this.gamma = this.addWeight('gamma', [c], 'float32', ones());
    this.beta = this.addWeight('beta', [c], 'float32', zeros());
    this.centerWeight = this.addWeight('center_weight', [c], 'float32', zeros());
    this.scaleWeight = this.addWeight('scale_weight', [c], 'float32', zeros());
    this.scaleBias = this.addWeight('scale_bias', [c], 'float32', ones());
    this.movingMean = this.addWeight('moving_mean', [c], 'float32', zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [c], 'float32', ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const centred = tf.add(x, tf.mul(this.centerWeight!.read(), tf.mean(x, [1, 2], true)));
      const normalized = normalizeBatch(
        centred,
        this.movingMean!,
        this.movingVariance!,
        kwargs.training === true,
        this.epsilon,
        this.momentum,
      );
      const calibration = tf.sigmoid(
        tf.add(tf.mul(this.scaleWeight!.read(), tf.mean(normalized, [1, 2], true)), this.scaleBias!.read()),
      );
      return tf.add(tf.mul(tf.mul(normalized, calibration), this.gamma!.read()), this.beta!.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { epsilon: this.epsilon, momentum: this.momentum, ...super.getConfig() };
  }
}
