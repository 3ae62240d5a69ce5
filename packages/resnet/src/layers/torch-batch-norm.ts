import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { nativeBatchNormTraining } from '@frx/tensor-utils';

import { rejectUnknownLayerArgs } from './layer-args';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];
type LayerVariable = tfl.LayerVariable;

/** PyTorch's BatchNorm default epsilon (tfjs-layers defaults to 1e-3). */
export const TORCH_BATCH_NORM_EPSILON = 1e-5;
/**
 * PyTorch's BatchNorm momentum 0.1 written the tfjs/Keras way: running = 0.9·running + 0.1·batch
 * (tfjs-layers defaults to 0.99).
 */
export const TORCH_BATCH_NORM_MOMENTUM = 0.9;

/**
 * Batch normalisation with batch statistics over every axis but the last, as one differentiable op
 * with the closed-form backward pass (Ioffe & Szegedy 2015, §3):
 * dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), dγ = Σ dy · x̂, dβ = Σ dy.
 * Autodiff through `tf.moments` + `tf.batchNorm` gives the same numbers but records a dozen
 * full-size intermediates per layer, which on wasm costs time and heap (at 112×112, batch 16, 64 channels
 * each is 51 MB).
 */
function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor | undefined,
  beta: tf.Tensor | undefined,
  epsilon: number,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const channels = x.shape[x.shape.length - 1]!;
  // On tfjs-node, TensorFlow's fused kernels do the same in one op each way (about 2x faster, docs/native-backend.md).
  // (Called inside the layer's tidy: the default γ and β tensors are disposed with it.)
  const fused = nativeBatchNormTraining(
    x,
    gamma ?? tf.ones([channels]),
    beta ?? tf.zeros([channels]),
    epsilon,
  );
  if (fused !== undefined) return fused;
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const n = x.size / channels;
  let mean: tf.Tensor | null = null;
  let variance: tf.Tensor | null = null;
  const forward = (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor, save: tf.GradSaveFunc) => {
    const { y, xHat, invStd } = tf.tidy(() => {
      const mu = tf.mean(input, axes);
      const centred = tf.sub(input, mu);
      const sigma2 = tf.mean(tf.square(centred), axes);
      const inv = tf.rsqrt(tf.add(sigma2, epsilon));
      const normalised = tf.mul(centred, inv);
      mean = tf.keep(mu);
      variance = tf.keep(sigma2);
      return { y: tf.add(tf.mul(normalised, scale), offset), xHat: normalised, invStd: inv };
    });
    save([xHat, invStd, scale]);
    tf.dispose([xHat, invStd]);
    return {
      value: y,
      // tf.customGrad calls gradFunc outside any tidy (unlike a kernel's gradient), so without this
      // tidy its five full-size temporaries would live until the whole backward pass ends: 257 MB per
      // BN layer at 112×112, 64 channels, batch 16, enough to exhaust the 4 GB wasm heap.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [normalised, inv, s] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          const dOffset = tf.sum(dy, axes);
          const dScale = tf.sum(tf.mul(dy, normalised), axes);
          const dInput = tf.mul(
            tf.mul(s, tf.div(inv, n)),
            tf.sub(tf.sub(tf.mul(dy, n), dOffset), tf.mul(normalised, dScale)),
          );
          return [dInput, dScale, dOffset];
        }),
    };
  };
  // customGrad's typing takes variadic (Tensor | GradSaveFunc) arguments.
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  // Named so that profiles (tf.profile records a customGrad under its scope's name) show the layer.
  const y = tf.tidy('TorchBatchNorm', () =>
    op(x, gamma ?? tf.ones([channels]), beta ?? tf.zeros([channels])),
  );
  return { y, mean: mean!, variance: variance! };
}

/** Constructor arguments of {@link TorchBatchNorm}. */
export interface TorchBatchNormArgs extends LayerArgs {
  /**
   * Weight of the old running statistic in each update, tfjs/Keras convention:
   * running ← momentum·running + (1 − momentum)·batch. Default `0.9`, which is PyTorch's `momentum=0.1`.
   */
  momentum?: number;
  /** Added to the variance before the square root. Default `1e-5` (PyTorch). */
  epsilon?: number;
  /** Learn an offset β. Default `true`. */
  center?: boolean;
  /** Multiply by a scale γ. Default `true`. */
  scale?: boolean;
  /**
   * Whether γ is trained. Default `true`. insightface's final BatchNorm1d ("features") keeps γ frozen
   * at 1: `scale: true, scaleTrainable: false` holds that γ as a non-trainable weight, so checkpoints
   * and parameter counts match PyTorch.
   */
  scaleTrainable?: boolean;
  /**
   * Update the running variance with the unbiased batch variance (× n/(n − 1), n = values per
   * channel in the batch), as PyTorch does. Default `true`. `false` gives tfjs-layers' behaviour
   * (biased variance). Normalisation itself always uses the biased batch variance, in both frameworks.
   */
  unbiasedRunningVariance?: boolean;
}

const OWN_ARGS = [
  'momentum',
  'epsilon',
  'center',
  'scale',
  'scaleTrainable',
  'unbiasedRunningVariance',
] as const;

/**
 * Batch normalisation over the last axis with PyTorch's semantics, for NHWC feature maps
 * `[batch, height, width, channels]` and feature vectors `[batch, channels]`: epsilon 1e-5,
 * momentum 0.9 in tfjs convention (= PyTorch 0.1), and the unbiased running-variance update of
 * `torch.nn.BatchNorm{1,2}d`, which tfjs-layers' `BatchNormalization` does not apply.
 *
 * Training mode (`model.apply(x, { training: true })`) normalises with the batch statistics and
 * updates the running ones; inference mode uses the running statistics.
 *
 * Weights, in order: `gamma` (if `scale`), `beta` (if `center`), `moving_mean`, `moving_variance`.
 *
 * Follows `torch.nn.BatchNorm2d` (PyTorch docs) and tfjs-layers `BatchNormalization` anatomy.
 *
 * @example
 * const bn = new TorchBatchNorm({ name: 'bn1' }); // eps 1e-5, PyTorch momentum 0.1
 * const features = new TorchBatchNorm({ name: 'features', scaleTrainable: false }); // insightface BN1d
 */
export class TorchBatchNorm extends tfl.layers.Layer {
  /** Serialisation name; persisted in saved models, never rename. */
  static readonly className = 'FrxTorchBatchNorm';

  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly scaleTrainable: boolean;
  readonly unbiasedRunningVariance: boolean;

  /** γ `[channels]`, present when `scale`. */
  gamma: LayerVariable | null = null;
  /** β `[channels]`, present when `center`. */
  beta: LayerVariable | null = null;
  /** Running mean `[channels]` (PyTorch `running_mean`). */
  movingMean: LayerVariable | null = null;
  /** Running variance `[channels]` (PyTorch `running_var`). */
  movingVariance: LayerVariable | null = null;

  constructor(args: TorchBatchNormArgs = {}) {
    rejectUnknownLayerArgs('TorchBatchNorm', args, OWN_ARGS);
    super(args);
    this.supportsMasking = true;
    this.momentum = args.momentum ?? TORCH_BATCH_NORM_MOMENTUM;
    this.epsilon = args.epsilon ?? TORCH_BATCH_NORM_EPSILON;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.scaleTrainable = args.scaleTrainable ?? true;
    this.unbiasedRunningVariance = args.unbiasedRunningVariance ?? true;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new RangeError(`TorchBatchNorm: momentum must be in [0, 1], got ${this.momentum}`);
    }
    if (!(this.epsilon > 0)) throw new RangeError(`TorchBatchNorm: epsilon must be > 0, got ${this.epsilon}`);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) {
      throw new Error(
        `TorchBatchNorm '${this.name}': the channel axis (last) must be known, got shape [${shape.join(', ')}]`,
      );
    }
    this.inputSpec = [{ ndim: shape.length, axes: { [shape.length - 1]: channels } }];
    if (this.scale) {
      this.gamma = this.addWeight(
        'gamma',
        [channels],
        'float32',
        tfl.initializers.ones(),
        undefined,
        this.scaleTrainable,
      );
    }
    if (this.center) {
      this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros(), undefined, true);
    }
    this.movingMean = this.addWeight(
      'moving_mean',
      [channels],
      'float32',
      tfl.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVariance = this.addWeight(
      'moving_variance',
      [channels],
      'float32',
      tfl.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const training = (kwargs?.['training'] as boolean | undefined) ?? false;
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const gamma = this.gamma?.read();
      const beta = this.beta?.read();
      const movingMean = this.movingMean!.read();
      const movingVariance = this.movingVariance!.read();
      if (!training) {
        return tf.batchNorm(x, movingMean, movingVariance, beta, gamma, this.epsilon);
      }
      const { y, mean, variance } = batchNormTraining(x, gamma, beta, this.epsilon);
      const n = x.size / x.shape[x.shape.length - 1]!;
      // PyTorch stores the unbiased variance in running_var (torch.nn.functional.batch_norm).
      const correction = this.unbiasedRunningVariance && n > 1 ? n / (n - 1) : 1;
      const m = this.momentum;
      this.movingMean!.write(tf.add(tf.mul(movingMean, m), tf.mul(mean, 1 - m)));
      this.movingVariance!.write(tf.add(tf.mul(movingVariance, m), tf.mul(variance, (1 - m) * correction)));
      tf.dispose([mean, variance]);
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      scaleTrainable: this.scaleTrainable,
      unbiasedRunningVariance: this.unbiasedRunningVariance,
    };
  }
}
