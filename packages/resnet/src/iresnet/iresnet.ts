import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@frx/tensor-utils';

import type { Initializer } from '../layers/initializer-config';
import { TorchBatchNorm } from '../layers/torch-batch-norm';
import { torchConv2d } from '../layers/torch-conv2d';
import { channelPrelu, iBasicBlock } from './ibasic-block';

/** IResNet depths with an insightface preset. */
export type IResNetDepth = 18 | 34 | 50 | 100 | 200;

/**
 * Blocks per stage [layer1, layer2, layer3, layer4] of each depth, from insightface
 * `arcface_torch/backbones/iresnet.py` (`iresnet18` … `iresnet200`).
 */
export const IRESNET_BLOCKS: Readonly<Record<IResNetDepth, readonly [number, number, number, number]>> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 14, 3],
  100: [3, 13, 30, 3],
  200: [6, 26, 60, 6],
};

/** Stage widths of IResNet at width multiplier 1 (stem = first stage = 64). */
export const IRESNET_STAGE_WIDTHS = [64, 128, 256, 512] as const;

/** insightface's conv weight init: normal(0, 0.1) whatever the fan-in (arcface_torch iresnet.py). */
export const IRESNET_CONV_INIT_STD = 0.1;

/** Options of {@link iresnet}. */
export interface IResNetOptions {
  /** 18, 34, 50, 100 or 200 (required). */
  depth: IResNetDepth;
  /** Square input side, a multiple of 16. Default `112` (insightface's aligned crops). */
  inputSize?: number;
  /** Scales every channel count (64·w, 128·w, 256·w, 512·w, rounded, at least 1). Default `1`. */
  widthMultiplier?: number;
  /** Embedding dimension. Default `512`. */
  embeddingSize?: number;
  /** Dropout rate before the fc layer, in [0, 1). Default `0` (insightface `train_v2.py`): no layer is added. */
  dropout?: number;
  /** Seed of the weight initialisation; default: unseeded (tfjs' random stream). */
  seed?: number;
  /** Model name. Default `iresnet<depth>`. */
  name?: string;
}

const OPTION_KEYS = new Set([
  'depth',
  'inputSize',
  'widthMultiplier',
  'embeddingSize',
  'dropout',
  'seed',
  'name',
]);

/** The validated, defaulted form of {@link IResNetOptions}. */
export interface ResolvedIResNetOptions {
  depth: IResNetDepth;
  inputSize: number;
  widthMultiplier: number;
  embeddingSize: number;
  dropout: number;
  stageWidths: [number, number, number, number];
  blocks: readonly [number, number, number, number];
}

/** Channel count `base · multiplier`, rounded, at least 1. */
export function scaledWidth(base: number, multiplier: number): number {
  return Math.max(1, Math.round(base * multiplier));
}

/**
 * Checks and fills in {@link IResNetOptions}; throws a TypeError/RangeError naming the bad option.
 */
export function resolveIResNetOptions(options: IResNetOptions): ResolvedIResNetOptions {
  if (options == null || typeof options !== 'object') throw new TypeError('iresnet: options object required');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`iresnet: unknown option '${key}'`);
  }
  const { depth, inputSize = 112, widthMultiplier = 1, embeddingSize = 512, dropout = 0 } = options;
  const blocks = IRESNET_BLOCKS[depth];
  if (blocks == null) {
    throw new RangeError(
      `iresnet: depth must be one of ${Object.keys(IRESNET_BLOCKS).join(', ')}, got ${String(depth)}`,
    );
  }
  if (!Number.isInteger(inputSize) || inputSize < 16 || inputSize % 16 !== 0) {
    throw new RangeError(`iresnet: inputSize must be a positive multiple of 16, got ${inputSize}`);
  }
  if (!(widthMultiplier > 0) || !Number.isFinite(widthMultiplier)) {
    throw new RangeError(`iresnet: widthMultiplier must be a positive number, got ${widthMultiplier}`);
  }
  if (!Number.isInteger(embeddingSize) || embeddingSize < 1) {
    throw new RangeError(`iresnet: embeddingSize must be a positive integer, got ${embeddingSize}`);
  }
  if (!(dropout >= 0 && dropout < 1))
    throw new RangeError(`iresnet: dropout must be in [0, 1), got ${dropout}`);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new RangeError(`iresnet: seed must be a safe integer, got ${options.seed}`);
  }
  const stageWidths = IRESNET_STAGE_WIDTHS.map((w) => scaledWidth(w, widthMultiplier)) as [
    number,
    number,
    number,
    number,
  ];
  return { depth, inputSize, widthMultiplier, embeddingSize, dropout, stageWidths, blocks };
}

/**
 * Builds insightface's IResNet as a tfjs-layers model: input `[batch, inputSize, inputSize, 3]` (NHWC,
 * RGB scaled to [−1, 1]) → embedding `[batch, embeddingSize]`.
 *
 * Layout (exactly arcface_torch's): stem conv 3×3 → BN → PReLU; four stages of {@link iBasicBlock}s
 * (stride 2 on the second conv of each stage's first block, which also has the downsample branch);
 * head BN2d → flatten → dropout (only when > 0) → dense with bias → BN1d "features" with γ frozen at 1.
 * BatchNorms use PyTorch's eps 1e-5, momentum 0.1 (tfjs 0.9) and unbiased running variance; PReLU
 * slopes start at 0.25; convs at normal(0, 0.1); the dense layer at PyTorch's default U(±1/√fanIn).
 * Layer names are the PyTorch module paths (`layer3.1.conv2`, `fc`, `features`), which
 * {@link loadTorchWeights} relies on.
 *
 * Call with `model.apply(x, { training: true })` for batch statistics while training; `predict` and
 * `apply` without it use the running statistics (PyTorch `eval()`).
 *
 * @param options see {@link IResNetOptions}; `depth` is required.
 * @returns an uncompiled `tf.LayersModel`.
 * @throws TypeError / RangeError naming a bad or unknown option.
 *
 * @example
 * const model = iresnet({ depth: 50 }); // 43.6 M parameters, 112×112 → 512
 * const tiny = iresnet({ depth: 18, inputSize: 32, widthMultiplier: 0.125, embeddingSize: 64, seed: 1 });
 *
 * Follows insightface `recognition/arcface_torch/backbones/iresnet.py` (Deng et al., ArcFace,
 * CVPR 2019, arXiv 1801.07698).
 */
export function iresnet(options: IResNetOptions): tfl.LayersModel {
  const resolved = resolveIResNetOptions(options);
  const { depth, inputSize, embeddingSize, dropout, stageWidths, blocks } = resolved;
  const rng = options.seed === undefined ? null : createRng(options.seed);
  const seed = () => (rng ? rng.seed() : undefined);
  const convInitializer = (): Initializer =>
    tfl.initializers.randomNormal({ mean: 0, stddev: IRESNET_CONV_INIT_STD, seed: seed() });

  const input = tfl.input({ shape: [inputSize, inputSize, 3], name: 'input' });
  let x = torchConv2d(input, {
    filters: stageWidths[0],
    kernelSize: 3,
    padding: 1,
    name: 'conv1',
    kernelInitializer: convInitializer(),
  });
  x = new TorchBatchNorm({ name: 'bn1' }).apply(x) as tfl.SymbolicTensor;
  x = channelPrelu(x, 'prelu');
  let inplanes = stageWidths[0];
  for (let stage = 0; stage < 4; stage++) {
    const planes = stageWidths[stage]!;
    for (let block = 0; block < blocks[stage]!; block++) {
      x = iBasicBlock(x, {
        inplanes,
        planes,
        stride: block === 0 ? 2 : 1,
        name: `layer${stage + 1}.${block}`,
        convInitializer,
      });
      inplanes = planes;
    }
  }
  x = new TorchBatchNorm({ name: 'bn2' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  if (dropout > 0)
    x = tfl.layers.dropout({ rate: dropout, seed: seed(), name: 'dropout' }).apply(x) as tfl.SymbolicTensor;
  const fanIn = (inputSize / 16) ** 2 * stageWidths[3];
  // PyTorch nn.Linear default: kaiming_uniform(a = √5) for the weight, which equals U(±1/√fanIn), and U(±1/√fanIn) for the bias.
  const bound = 1 / Math.sqrt(fanIn);
  x = tfl.layers
    .dense({
      units: embeddingSize,
      useBias: true,
      kernelInitializer: tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed() }),
      biasInitializer: tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed() }),
      name: 'fc',
    })
    .apply(x) as tfl.SymbolicTensor;
  x = new TorchBatchNorm({ name: 'features', scaleTrainable: false }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name: options.name ?? `iresnet${depth}` });
}

/** Options of the `iresnet18` … `iresnet200` shorthands: {@link IResNetOptions} without `depth`. */
export type IResNetPresetOptions = Omit<IResNetOptions, 'depth'>;

/**
 * IResNet-18 ([2, 2, 2, 2] blocks; 24.0 M parameters, 2.61 G multiply-accumulates at 112×112). See {@link iresnet}.
 * @example const model = iresnet18({ inputSize: 64, widthMultiplier: 0.5 });
 */
export const iresnet18 = (options: IResNetPresetOptions = {}): tfl.LayersModel =>
  iresnet({ ...options, depth: 18 });
/**
 * IResNet-34 ([3, 4, 6, 3] blocks; 34.1 M parameters, 4.46 G MACs at 112×112). See {@link iresnet}.
 * @example const model = iresnet34();
 */
export const iresnet34 = (options: IResNetPresetOptions = {}): tfl.LayersModel =>
  iresnet({ ...options, depth: 34 });
/**
 * IResNet-50 ([3, 4, 14, 3] blocks; 43.6 M parameters, 6.31 G MACs at 112×112). See {@link iresnet}.
 * @example const model = iresnet50();
 */
export const iresnet50 = (options: IResNetPresetOptions = {}): tfl.LayersModel =>
  iresnet({ ...options, depth: 50 });
/**
 * IResNet-100 ([3, 13, 30, 3] blocks; 65.2 M parameters, 12.09 G MACs at 112×112). See {@link iresnet}.
 * @example const model = iresnet100();
 */
export const iresnet100 = (options: IResNetPresetOptions = {}): tfl.LayersModel =>
  iresnet({ ...options, depth: 100 });
/**
 * IResNet-200 ([6, 26, 60, 6] blocks; 118.8 M parameters, 23.42 G MACs at 112×112). See {@link iresnet}.
 * @example const model = iresnet200();
 */
export const iresnet200 = (options: IResNetPresetOptions = {}): tfl.LayersModel =>
  iresnet({ ...options, depth: 200 });
