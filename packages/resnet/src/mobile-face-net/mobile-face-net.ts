import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@frx/tensor-utils';

import { channelPrelu } from '../iresnet/ibasic-block';
import { scaledWidth } from '../iresnet/iresnet';
import { GroupedConv2D } from '../layers/grouped-conv2d';
import type { Initializer } from '../layers/initializer-config';
import { TorchBatchNorm } from '../layers/torch-batch-norm';
import { torchConv2d } from '../layers/torch-conv2d';

/** The insightface MobileFaceNet presets. */
export type MobileFaceNetVariant = 'mbf' | 'mbf_large';

/**
 * Blocks per stage and channel scale of each preset, from insightface
 * `arcface_torch/backbones/mobilefacenet.py` (`get_mbf`, `get_mbf_large`).
 */
export const MOBILE_FACE_NET_PRESETS: Readonly<
  Record<MobileFaceNetVariant, { blocks: readonly [number, number, number, number]; scale: number }>
> = {
  mbf: { blocks: [1, 4, 6, 2], scale: 2 },
  mbf_large: { blocks: [2, 8, 12, 4], scale: 4 },
};

/** Options of {@link mobileFaceNet}. */
export interface MobileFaceNetOptions {
  /** `'mbf'` (default; 2.06 M parameters) or `'mbf_large'` (6.31 M). */
  variant?: MobileFaceNetVariant;
  /** Square input side, a multiple of 16. Default `112`; the GDC kernel is inputSize / 16. */
  inputSize?: number;
  /**
   * Scales every channel count and group count (the 64-channel unit becomes round(64·w)). Default `1`.
   */
  widthMultiplier?: number;
  /** Embedding dimension. Default `512`. */
  embeddingSize?: number;
  /** Seed of the weight initialisation; default: unseeded. */
  seed?: number;
  /** Model name. Default the variant name. */
  name?: string;
}

const OPTION_KEYS = new Set(['variant', 'inputSize', 'widthMultiplier', 'embeddingSize', 'seed', 'name']);

/** The validated, defaulted form of {@link MobileFaceNetOptions}, with the derived widths. */
export interface ResolvedMobileFaceNetOptions {
  variant: MobileFaceNetVariant;
  inputSize: number;
  embeddingSize: number;
  blocks: readonly [number, number, number, number];
  scale: number;
  /** round(64·widthMultiplier): the grouped stem conv's group count. */
  unit: number;
}

/** Checks and fills in {@link MobileFaceNetOptions}; throws naming the bad option. */
export function resolveMobileFaceNetOptions(options: MobileFaceNetOptions): ResolvedMobileFaceNetOptions {
  if (options == null || typeof options !== 'object')
    throw new TypeError('mobileFaceNet: options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`mobileFaceNet: unknown option '${key}'`);
  }
  const { variant = 'mbf', inputSize = 112, widthMultiplier = 1, embeddingSize = 512 } = options;
  const preset = MOBILE_FACE_NET_PRESETS[variant];
  if (preset == null)
    throw new RangeError(`mobileFaceNet: variant must be 'mbf' or 'mbf_large', got ${String(variant)}`);
  if (!Number.isInteger(inputSize) || inputSize < 16 || inputSize % 16 !== 0) {
    throw new RangeError(`mobileFaceNet: inputSize must be a positive multiple of 16, got ${inputSize}`);
  }
  if (!(widthMultiplier > 0) || !Number.isFinite(widthMultiplier)) {
    throw new RangeError(`mobileFaceNet: widthMultiplier must be a positive number, got ${widthMultiplier}`);
  }
  if (!Number.isInteger(embeddingSize) || embeddingSize < 1) {
    throw new RangeError(`mobileFaceNet: embeddingSize must be a positive integer, got ${embeddingSize}`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new RangeError(`mobileFaceNet: seed must be a safe integer, got ${options.seed}`);
  }
  return {
    variant,
    inputSize,
    embeddingSize,
    blocks: preset.blocks,
    scale: preset.scale,
    unit: scaledWidth(64, widthMultiplier),
  };
}

/**
 * Builds insightface's MobileFaceNet (`mbf`, `mbf_large`) as a tfjs-layers model: input
 * `[batch, inputSize, inputSize, 3]` (NHWC, RGB in [−1, 1]) → embedding `[batch, embeddingSize]`.
 *
 * ConvBlock = conv → BN → PReLU, LinearBlock = conv → BN, DepthWise = ConvBlock 1×1 → depthwise
 * ConvBlock 3×3 → LinearBlock 1×1 (+ input when residual), GDC head = depthwise LinearBlock over the
 * whole final map → flatten → dense without bias → BN1d. The grouped stem conv of `mbf` (2 channels per
 * group) and all depthwise convs are {@link GroupedConv2D} layers; stride-2 convs pad symmetrically.
 * Initialisation: Kaiming-normal (fan_out, ReLU gain) for conv and dense weights, BN γ = 1, β = 0,
 * PReLU 0.25. Layer names are the PyTorch module paths (`layers.3.layers.0.layers.1.layers.0`, …).
 *
 * @param options see {@link MobileFaceNetOptions}.
 * @returns an uncompiled `tf.LayersModel`.
 * @throws TypeError / RangeError naming a bad or unknown option.
 *
 * @example
 * const model = mobileFaceNet(); // mbf: 2,059,520 parameters, 0.44 G MACs at 112×112
 * const tiny = mobileFaceNet({ inputSize: 32, widthMultiplier: 0.125, embeddingSize: 32, seed: 3 });
 *
 * Follows insightface `recognition/arcface_torch/backbones/mobilefacenet.py` (adapted from
 * cavaface.pytorch) and Chen et al., MobileFaceNets (arXiv 1804.07573).
 */
export function mobileFaceNet(options: MobileFaceNetOptions = {}): tfl.LayersModel {
  const { variant, inputSize, embeddingSize, blocks, scale, unit } = resolveMobileFaceNetOptions(options);
  const rng = options.seed === undefined ? null : createRng(options.seed);
  // kaiming_normal_(mode='fan_out', nonlinearity='relu'): std = √(2 / fan_out), fan_out = out·k·k.
  const kaiming = (fanOut: number): Initializer =>
    tfl.initializers.randomNormal({
      mean: 0,
      stddev: Math.sqrt(2 / fanOut),
      seed: rng ? rng.seed() : undefined,
    });

  type Conv = { out: number; kernel: number; stride?: number; padding?: number; groups?: number };
  const conv = (x: tfl.SymbolicTensor, c: Conv, name: string): tfl.SymbolicTensor => {
    const { out, kernel, stride = 1, padding = 0, groups = 1 } = c;
    const kernelInitializer = kaiming(out * kernel * kernel);
    if (groups === 1)
      return torchConv2d(x, { filters: out, kernelSize: kernel, stride, padding, name, kernelInitializer });
    return new GroupedConv2D({
      filters: out,
      kernelSize: kernel,
      strides: stride,
      padding,
      groups,
      kernelInitializer,
      name,
    }).apply(x) as tfl.SymbolicTensor;
  };
  const bn = (x: tfl.SymbolicTensor, name: string) =>
    new TorchBatchNorm({ name }).apply(x) as tfl.SymbolicTensor;
  const convBlock = (x: tfl.SymbolicTensor, c: Conv, name: string) =>
    channelPrelu(bn(conv(x, c, `${name}.layers.0`), `${name}.layers.1`), `${name}.layers.2`);
  const linearBlock = (x: tfl.SymbolicTensor, c: Conv, name: string) =>
    bn(conv(x, c, `${name}.layers.0`), `${name}.layers.1`);
  const depthWise = (
    x: tfl.SymbolicTensor,
    out: number,
    g: number,
    stride: number,
    residual: boolean,
    name: string,
  ) => {
    let y = convBlock(x, { out: g, kernel: 1 }, `${name}.layers.0`);
    y = convBlock(y, { out: g, kernel: 3, stride, padding: 1, groups: g }, `${name}.layers.1`);
    y = linearBlock(y, { out, kernel: 1 }, `${name}.layers.2`);
    return residual ? (tfl.layers.add({ name: `${name}.add` }).apply([x, y]) as tfl.SymbolicTensor) : y;
  };
  const residual = (x: tfl.SymbolicTensor, c: number, n: number, g: number, name: string) => {
    for (let i = 0; i < n; i++) x = depthWise(x, c, g, 1, true, `${name}.layers.${i}`);
    return x;
  };

  const c1 = unit * scale;
  const c2 = 2 * unit * scale;
  const input = tfl.input({ shape: [inputSize, inputSize, 3], name: 'input' });
  let x = convBlock(input, { out: c1, kernel: 3, stride: 2, padding: 1 }, 'layers.0');
  x =
    blocks[0] === 1
      ? convBlock(x, { out: c1, kernel: 3, padding: 1, groups: unit }, 'layers.1')
      : residual(x, c1, blocks[0], 2 * unit, 'layers.1');
  x = depthWise(x, c1, 2 * unit, 2, false, 'layers.2');
  x = residual(x, c1, blocks[1], 2 * unit, 'layers.3');
  x = depthWise(x, c2, 4 * unit, 2, false, 'layers.4');
  x = residual(x, c2, blocks[2], 4 * unit, 'layers.5');
  x = depthWise(x, c2, 8 * unit, 2, false, 'layers.6');
  x = residual(x, c2, blocks[3], 4 * unit, 'layers.7');
  const sep = 8 * unit;
  x = convBlock(x, { out: sep, kernel: 1 }, 'conv_sep');
  // GDC: a depthwise conv over the whole final map (7×7 at 112×112).
  x = linearBlock(x, { out: sep, kernel: inputSize / 16, groups: sep }, 'features.layers.0');
  x = tfl.layers.flatten({ name: 'features.layers.1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .dense({
      units: embeddingSize,
      useBias: false,
      kernelInitializer: kaiming(embeddingSize),
      name: 'features.layers.2',
    })
    .apply(x) as tfl.SymbolicTensor;
  x = bn(x, 'features.layers.3');
  return tfl.model({ inputs: input, outputs: x, name: options.name ?? variant });
}
