import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
import {
  initializerFromConfig,
  initializerToConfig,
  type Initializer,
  type InitializerConfig,
} from './initializer-config';
import { rejectUnknownLayerArgs } from './layer-args';

/** Constructor arguments of {@link GroupedConv2D}. */
export interface GroupedConv2DArgs extends LayerArgs {
  /** Output channels; a multiple of `groups`. */
  filters: number;
  /** Square kernel size. */
  kernelSize: number;
  /** Number of channel groups; input and output channels must both be multiples of it. */
  groups: number;
  /** Stride. Default `1`. */
  strides?: number;
  /** Zero padding on every side, PyTorch style (symmetric). Default `0`. */
  padding?: number;
  /** Kernel initializer (the kernel has shape `[k, k, inChannels, filters / groups]`). Default glorotNormal. */
  kernelInitializer?: Initializer | InitializerConfig;
}

const OWN_ARGS = ['filters', 'kernelSize', 'groups', 'strides', 'padding', 'kernelInitializer'] as const;

function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`GroupedConv2D: ${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * A bias-free grouped 2-D convolution (PyTorch `Conv2d(groups = G)`), which tfjs has no op for,
 * on NHWC input `[batch, height, width, inChannels]` → `[batch, outHeight, outWidth, filters]`.
 * Depthwise convolution is the case `groups = inChannels = filters`.
 *
 * Computed as one depthwise convolution with channel multiplier `filters / groups` followed by a sum
 * over the `inChannels / groups` inputs of each group: the same multiply-accumulates as the grouped
 * convolution (no block-diagonal zeros) and one native kernel, whose gradients the wasm backend has
 * once `@frx/tensor-utils`' training kernels are registered. Padding is explicit and symmetric, as in
 * PyTorch (tfjs 'same' pads asymmetrically at stride 2).
 *
 * Kernel `[k, k, inChannels, filters / groups]`: entry `[i, j, g·a + c, m]` (a = inChannels / groups)
 * is PyTorch's `weight[g·(filters / groups) + m, c, i, j]`.
 *
 * Follows PyTorch `torch.nn.Conv2d` grouping semantics; used by MobileFaceNet (arXiv 1804.07573, the
 * insightface `mbf` variant).
 *
 * @example
 * // MobileFaceNet's second stem conv: 128 → 128 channels in 64 groups of 2
 * const conv = new GroupedConv2D({ filters: 128, kernelSize: 3, groups: 64, padding: 1, name: 'layers.1.layers.0' });
 */
export class GroupedConv2D extends tfl.layers.Layer {
  /** Serialisation name; persisted in saved models, never rename. */
  static readonly className = 'FrxGroupedConv2D';

  readonly filters: number;
  readonly kernelSize: number;
  readonly groups: number;
  readonly strides: number;
  readonly padding: number;
  readonly kernelInitializer: Initializer;

  /** The kernel `[k, k, inChannels, filters / groups]`. */
  kernel: tfl.LayerVariable | null = null;

  constructor(args: GroupedConv2DArgs) {
    rejectUnknownLayerArgs('GroupedConv2D', args, OWN_ARGS);
    super(args);
    this.filters = positiveInteger(args.filters, 'filters');
    this.kernelSize = positiveInteger(args.kernelSize, 'kernelSize');
    this.groups = positiveInteger(args.groups, 'groups');
    this.strides = positiveInteger(args.strides ?? 1, 'strides');
    const padding = args.padding ?? 0;
    if (!Number.isInteger(padding) || padding < 0) {
      throw new RangeError(`GroupedConv2D: padding must be a non-negative integer, got ${padding}`);
    }
    this.padding = padding;
    if (this.filters % this.groups !== 0) {
      throw new RangeError(
        `GroupedConv2D: filters ${this.filters} is not a multiple of groups ${this.groups}`,
      );
    }
    this.kernelInitializer = initializerFromConfig(
      args.kernelInitializer ?? tfl.initializers.glorotNormal({}),
      'GroupedConv2D',
    );
  }

  private inChannels(shape: tfl.Shape): number {
    const channels = shape[shape.length - 1];
    if (shape.length !== 4 || channels == null) {
      throw new Error(
        `GroupedConv2D '${this.name}': expected NHWC input with known channels, got [${shape.join(', ')}]`,
      );
    }
    if (channels % this.groups !== 0) {
      throw new RangeError(
        `GroupedConv2D '${this.name}': input channels ${channels} are not a multiple of groups ${this.groups}`,
      );
    }
    return channels;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = this.inChannels(shape);
    this.inputSpec = [{ ndim: 4, axes: { 3: channels } }];
    this.kernel = this.addWeight(
      'kernel',
      [this.kernelSize, this.kernelSize, channels, this.filters / this.groups],
      'float32',
      this.kernelInitializer,
      undefined,
      true,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    this.inChannels(shape);
    const out = (size: number | null) =>
      size == null ? null : Math.floor((size + 2 * this.padding - this.kernelSize) / this.strides) + 1;
    return [shape[0] ?? null, out(shape[1] ?? null), out(shape[2] ?? null), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const p = this.padding;
      if (p > 0)
        x = tf.pad(x, [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ]);
      const kernel = this.kernel!.read() as tf.Tensor4D;
      const y = tf.depthwiseConv2d(x, kernel, this.strides, 'valid');
      const perGroupIn = x.shape[3] / this.groups;
      if (perGroupIn === 1) return y;
      // Depthwise output channel c·M + m with c = g·a + j: sum over j inside each group g.
      const [n, h, w] = y.shape;
      const perGroupOut = this.filters / this.groups;
      return tf.reshape(tf.sum(tf.reshape(y, [n, h, w, this.groups, perGroupIn, perGroupOut]), 4), [
        n,
        h,
        w,
        this.filters,
      ]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      groups: this.groups,
      strides: this.strides,
      padding: this.padding,
      kernelInitializer: initializerToConfig(
        this.kernelInitializer,
      ) as unknown as tf.serialization.ConfigDictValue,
    };
  }
}
