import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { normalizeBatch } from '../internal/batch-norm';
import { GanOptionError, positiveInt } from '../internal/validate';
import { type CallKwargs, channelsOf, type LayerArgs, singleShape } from './layer-args';

/** Channels that share one generated kernel in RedNet (Li et al. 2021, `involution_naive.py`). */
export const INVOLUTION_GROUP_CHANNELS = 16;
/** Channel reduction of the kernel-generation branch in RedNet. */
export const INVOLUTION_REDUCTION = 4;

/** Constructor arguments of {@link Involution2D}. */
export interface Involution2DArgs extends LayerArgs {
  /** Kernel size K (odd). Default `3` (RedNet uses 7; memory grows with K²). */
  kernelSize?: number;
  /** Stride s; the kernel-generation branch then average-pools by s. Default `1`. */
  strides?: number;
  /**
   * Number of groups G (channels per group = C / G). Default: C / 16 (16 channels per group, RedNet),
   * at least 1. Exclusive with `groupChannels`.
   */
  groups?: number;
  /** Channels per group (C / G). Default `16`. Exclusive with `groups`. */
  groupChannels?: number;
  /** Reduction r of the kernel-generation bottleneck C → C / r (at least 1 channel). Default `4`. */
  reduction?: number;
  /** Seed of the He-normal initialisers of the two 1×1 convolutions. Default unseeded. */
  seed?: number;
}

/**
 * Involution (Li et al., "Involution: Inverting the Inherence of Convolution for Visual Recognition",
 * CVPR 2021, arXiv 2103.06255; layout of `d-li14/involution` `involution_naive.py`): a K×K kernel generated
 * at every position from the input itself, shared by the C / G channels of a group (spatial-specific,
 * channel-agnostic), the dual of convolution.
 *
 * Kernel generation: avgpool(s) → 1×1 conv C → C/r (no bias) → BatchNorm (PyTorch ε 1e-5, momentum 0.1)
 * → ReLU → 1×1 conv C/r → K²·G (with bias). Application: zero padding (K − 1)/2, the K² shifted slices of
 * the input ("unfold", tfjs has no extractPatches) stacked, multiplied by the kernel and summed.
 *
 * Input `[batch, height, width, channels]` (height and width divisible by the stride) → output
 * `[batch, height / s, width / s, channels]`. Pass `{ training: true }` to `apply` to use batch statistics
 * in the branch's BatchNorm.
 *
 * @example
 * const inv = new Involution2D({ kernelSize: 3, groupChannels: 16 });
 * const y = inv.apply(x, { training: true }) as tf.Tensor4D; // x: [8, 16, 16, 64] → [8, 16, 16, 64]
 */
export class Involution2D extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxInvolution2D';

  declare readonly kernelSize: number;
  declare readonly strides: number;
  declare readonly groupsOption: number | undefined;
  declare readonly groupChannelsOption: number | undefined;
  declare readonly reduction: number;
  declare readonly seed: number | undefined;
  declare private channels: number;
  declare private groups: number;
  declare private reduceKernel: tfl.LayerVariable | null;
  declare private bnGamma: tfl.LayerVariable | null;
  declare private bnBeta: tfl.LayerVariable | null;
  declare private bnMean: tfl.LayerVariable | null;
  declare private bnVariance: tfl.LayerVariable | null;
  declare private spanKernel: tfl.LayerVariable | null;
  declare private spanBias: tfl.LayerVariable | null;

  constructor(args: Involution2DArgs = {}) {
    const {
      kernelSize = 3,
      strides = 1,
      groups,
      groupChannels,
      reduction = INVOLUTION_REDUCTION,
      seed,
      ...base
    } = args;
    super(base);
    positiveInt('Involution2D', 'kernelSize', kernelSize);
    if (kernelSize % 2 !== 1)
      throw new GanOptionError(`Involution2D: kernelSize must be odd, got ${kernelSize}`);
    positiveInt('Involution2D', 'strides', strides);
    positiveInt('Involution2D', 'reduction', reduction);
    if (groups !== undefined && groupChannels !== undefined) {
      throw new GanOptionError('Involution2D: give either groups or groupChannels, not both');
    }
    if (groups !== undefined) positiveInt('Involution2D', 'groups', groups);
    if (groupChannels !== undefined) positiveInt('Involution2D', 'groupChannels', groupChannels);
    this.kernelSize = kernelSize;
    this.strides = strides;
    this.groupsOption = groups;
    this.groupChannelsOption = groupChannels;
    this.reduction = reduction;
    this.seed = seed;
    this.channels = 0;
    this.groups = 0;
    this.reduceKernel = null;
    this.bnGamma = null;
    this.bnBeta = null;
    this.bnMean = null;
    this.bnVariance = null;
    this.spanKernel = null;
    this.spanBias = null;
  }

  /** Number of groups G resolved at build time. */
  get groupCount(): number {
    return this.groups;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const c = channelsOf('Involution2D', inputShape);
    let groups: number;
    if (this.groupsOption !== undefined) groups = this.groupsOption;
    else groups = Math.max(1, Math.floor(c / (this.groupChannelsOption ?? INVOLUTION_GROUP_CHANNELS)));
    if (c % groups !== 0) {
      throw new GanOptionError(`Involution2D: ${c} channels cannot be split into ${groups} groups`);
    }
    this.channels = c;
    this.groups = groups;
    const reduced = Math.max(1, Math.floor(c / this.reduction));
    const k2g = this.kernelSize * this.kernelSize * groups;
    const he = (seed: number | undefined) => tfl.initializers.heNormal({ seed });
    this.reduceKernel = this.addWeight('reduce_kernel', [1, 1, c, reduced], 'float32', he(this.seed));
    this.bnGamma = this.addWeight('reduce_bn_gamma', [reduced], 'float32', tfl.initializers.ones());
    this.bnBeta = this.addWeight('reduce_bn_beta', [reduced], 'float32', tfl.initializers.zeros());
    this.bnMean = this.addWeight(
      'reduce_bn_moving_mean',
      [reduced],
      'float32',
      tfl.initializers.zeros(),
      undefined,
      false,
    );
    this.bnVariance = this.addWeight(
      'reduce_bn_moving_variance',
      [reduced],
      'float32',
      tfl.initializers.ones(),
      undefined,
      false,
    );
    this.spanKernel = this.addWeight(
      'span_kernel',
      [1, 1, reduced, k2g],
      'float32',
      he(this.seed === undefined ? undefined : this.seed + 1),
    );
    this.spanBias = this.addWeight('span_bias', [k2g], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w, c] = singleShape(inputShape);
    const s = this.strides;
    return [n ?? null, h == null ? null : h / s, w == null ? null : w / s, c ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [n, h, w, c] = x.shape;
      const s = this.strides;
      const k = this.kernelSize;
      if (c !== this.channels)
        throw new GanOptionError(`Involution2D: expected ${this.channels} channels, got ${c}`);
      if (h % s !== 0 || w % s !== 0) {
        throw new GanOptionError(
          `Involution2D: height ${h} and width ${w} must be divisible by the stride ${s}`,
        );
      }
      const ho = h / s;
      const wo = w / s;
      const training = kwargs.training === true;

      // Kernel generation branch.
      const pooled = s > 1 ? tf.avgPool(x, s, s, 'valid') : x;
      const reduced = tf.conv2d(pooled, this.reduceKernel!.read() as tf.Tensor4D, 1, 'valid');
      const normalized = normalizeBatch(reduced, this.bnMean!, this.bnVariance!, training);
      const t = tf.relu(tf.add(tf.mul(normalized, this.bnGamma!.read()), this.bnBeta!.read()));
      const span = tf.add(
        tf.conv2d(t as tf.Tensor4D, this.spanKernel!.read() as tf.Tensor4D, 1, 'valid'),
        this.spanBias!.read(),
      );
      // Channel g·K² + κ of the generated map is the weight of offset κ for group g: [n, ho, wo, G, K²].
      const kernel = tf.reshape(span, [n, ho, wo, this.groups, k * k]);

      // out = Σ_κ shift_κ(x) · kernel_κ over the K² offsets κ = (u, v) of the zero-padded input, summed as
      // K² products of [n, ho, wo, G, C/G] by [n, ho, wo, G, 1]. Never materialising the unfolded
      // [K², n, ho, wo, C] tensor (a stack, or a one-hot depthwise conv) makes the forward + backward 4-5x
      // faster on the native backend (bench/involution-unfold.ts). For s > 1, slices of length s·ho reshaped
      // to [ho, s] and cut at index 0 subsample by s with ops that all have gradients (tfjs has no
      // StridedSlice gradient).
      const pad = (k - 1) / 2;
      const extra = s - 1;
      const padded = tf.pad(x, [
        [0, 0],
        [pad, pad + extra],
        [pad, pad + extra],
        [0, 0],
      ]);
      const terms: tf.Tensor[] = [];
      for (let u = 0; u < k; u++) {
        for (let v = 0; v < k; v++) {
          let patch: tf.Tensor = tf.slice(padded, [0, u, v, 0], [n, ho * s, wo * s, c]);
          if (s > 1) {
            patch = tf.reshape(patch, [n, ho, s, wo, s, c]);
            patch = tf.slice(patch, [0, 0, 0, 0, 0, 0], [n, ho, 1, wo, 1, c]);
          }
          patch = tf.reshape(patch, [n, ho, wo, this.groups, c / this.groups]);
          const weight = tf.slice(kernel, [0, 0, 0, 0, u * k + v], [n, ho, wo, this.groups, 1]);
          terms.push(tf.mul(patch, weight));
        }
      }
      return tf.reshape(terms.length === 1 ? terms[0]! : tf.addN(terms), [n, ho, wo, c]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      kernelSize: this.kernelSize,
      strides: this.strides,
      reduction: this.reduction,
    };
    if (this.groupsOption !== undefined) config.groups = this.groupsOption;
    if (this.groupChannelsOption !== undefined) config.groupChannels = this.groupChannelsOption;
    if (this.seed !== undefined) config.seed = this.seed;
    return { ...config, ...super.getConfig() };
  }
}
