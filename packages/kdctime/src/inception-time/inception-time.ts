import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@frx/tensor-utils';

import { numberInRange, positiveInteger, rejectUnknownOptions } from '../internal/validate';
import { inceptionModule, shortcutLayer, type InceptionLayerSettings } from './inception-module';

/** Options of {@link inceptionTime}. */
export interface InceptionTimeOptions {
  /** Number of classes K (the head's width). Required. */
  classes: number;
  /** Input channels (1 for univariate series). Default 1. */
  channels?: number;
  /** Series length, or `null` to accept any length (global average pooling). Default `null`. */
  length?: number | null;
  /** Number of Inception modules. Default 6 (Keras original); the KDCTime code uses 3. */
  depth?: number;
  /** Filters per branch. Default 32. */
  filters?: number;
  /** Kernel length per convolution branch. Default `[40, 20, 10]` (Keras); KDCTime `[39, 19, 9]`. */
  kernelSizes?: readonly number[];
  /** Bottleneck width, applied only when a module's input has more than one channel; 0 disables it. Default 32. */
  bottleneck?: number;
  /** Residual shortcut after every third module. Default true. */
  residual?: boolean;
  /** Max-pool window of the pooling branch. Default 3. */
  poolSize?: number;
  /**
   * Layer details: `'keras'` (hfawaz/InceptionTime: no conv bias, glorot-uniform, Keras BN constants, 'same'
   * max-pool that ignores padding, ReLU after the residual addition) or `'kdctime'` (amoonfana/Knowledge_Distillation:
   * branch bias, PyTorch default initialisation, BN momentum 0.9 / ε 1e-5, zero-padded max-pool, ReLU on the
   * shortcut branch and none after the addition). Default `'keras'`.
   */
  variant?: 'keras' | 'kdctime';
  /** Seed of the weight initialisers (number or string). Default: unseeded. */
  seed?: number | string;
}

/** The InceptionTime network of Ismail Fawaz et al. (hfawaz/InceptionTime `classifiers/inception.py`). */
export const INCEPTION_TIME_KERAS = {
  depth: 6,
  filters: 32,
  kernelSizes: [40, 20, 10],
  bottleneck: 32,
  residual: true,
  variant: 'keras',
} as const satisfies Partial<InceptionTimeOptions>;

/** The InceptionTime variant of the KDCTime code (`InceptionTime(1, K, depth = 3)`, kernels 39/19/9). */
export const INCEPTION_TIME_KDCTIME = {
  depth: 3,
  filters: 32,
  kernelSizes: [39, 19, 9],
  bottleneck: 32,
  residual: true,
  variant: 'kdctime',
} as const satisfies Partial<InceptionTimeOptions>;

const OPTION_KEYS = [
  'classes',
  'channels',
  'length',
  'depth',
  'filters',
  'kernelSizes',
  'bottleneck',
  'residual',
  'poolSize',
  'variant',
  'seed',
];

/**
 * Builds an InceptionTime classifier: `depth` Inception modules (bottleneck when the input has more than one
 * channel; convolutions of every kernel size with TF 'same' padding on the bottleneck output; max-pool + 1×1
 * convolution on the module input; concatenation, batch normalisation, ReLU), a residual shortcut after every
 * third module, global average pooling over time and a dense head. The model outputs **logits**
 * `[batch, classes]`; the Keras original's softmax is applied by the losses and by `predictProbabilities`.
 *
 * Input `[batch, length, channels]` (channels last, as tfjs `conv1d`).
 *
 * @param options - see {@link InceptionTimeOptions}; spread {@link INCEPTION_TIME_KERAS} (the defaults) or
 *   {@link INCEPTION_TIME_KDCTIME} for the two published layouts.
 * @returns an uncompiled `tf.LayersModel`; the caller disposes it.
 *
 * @example
 * const teacher = inceptionTime({ classes: 2, length: 150 }); // Keras original, depth 6
 * const student = inceptionTime({ ...INCEPTION_TIME_KDCTIME, classes: 2, length: 150, seed: 1 });
 *
 * @see Ismail Fawaz et al., "InceptionTime: Finding AlexNet for time series classification", Data Mining and
 *   Knowledge Discovery 34 (2020), arXiv 1909.04939.
 */
export function inceptionTime(options: InceptionTimeOptions): tfl.LayersModel {
  const owner = 'inceptionTime';
  rejectUnknownOptions(owner, options, OPTION_KEYS);
  const classes = positiveInteger(owner, 'classes', options.classes, 0);
  const channels = positiveInteger(owner, 'channels', options.channels, 1);
  const length = options.length ?? null;
  if (length !== null) positiveInteger(owner, 'length', length, 1);
  const depth = positiveInteger(owner, 'depth', options.depth, INCEPTION_TIME_KERAS.depth);
  const filters = positiveInteger(owner, 'filters', options.filters, INCEPTION_TIME_KERAS.filters);
  const kernelSizes = [...(options.kernelSizes ?? INCEPTION_TIME_KERAS.kernelSizes)];
  if (kernelSizes.length === 0) throw new RangeError(`${owner}: kernelSizes must not be empty`);
  kernelSizes.forEach((k, i) => positiveInteger(owner, `kernelSizes[${i}]`, k, 1));
  const bottleneck = numberInRange(
    owner,
    'bottleneck',
    options.bottleneck,
    INCEPTION_TIME_KERAS.bottleneck,
    0,
    1e6,
  );
  if (!Number.isInteger(bottleneck))
    throw new RangeError(`${owner}: bottleneck must be an integer, got ${bottleneck}`);
  const poolSize = positiveInteger(owner, 'poolSize', options.poolSize, 3);
  const variant = options.variant ?? 'keras';
  if (variant !== 'keras' && variant !== 'kdctime') {
    throw new RangeError(`${owner}: variant must be 'keras' or 'kdctime', got "${String(variant)}"`);
  }
  const residual = options.residual ?? true;
  const rng = options.seed === undefined ? null : createRng(options.seed);
  const settings: InceptionLayerSettings = {
    variant,
    filters,
    kernelSizes,
    bottleneck,
    poolSize,
    nextSeed: () => (rng ? rng.seed() : undefined),
  };

  const input = tfl.input({ shape: [length, channels] });
  let x: tfl.SymbolicTensor = input;
  let residualInput: tfl.SymbolicTensor = input;
  let inputChannels = channels;
  for (let d = 0; d < depth; d++) {
    x = inceptionModule(x, inputChannels, settings);
    inputChannels = filters * (kernelSizes.length + 1);
    if (residual && d % 3 === 2) {
      x = shortcutLayer(residualInput, x, inputChannels, settings);
      residualInput = x;
    }
  }
  const pooled = tfl.layers.globalAveragePooling1d().apply(x) as tfl.SymbolicTensor;
  const head = tfl.layers.dense({ units: classes, ...denseInit(inputChannels, settings) });
  const logits = head.apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: `inception_time_${variant}` });
}

function denseInit(fanIn: number, settings: InceptionLayerSettings) {
  if (settings.variant === 'keras') {
    return { kernelInitializer: tfl.initializers.glorotUniform({ seed: settings.nextSeed() }) };
  }
  // PyTorch nn.Linear default: weights and bias uniform in ±1/√fan_in.
  const bound = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tfl.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      seed: settings.nextSeed(),
    }),
    biasInitializer: tfl.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      seed: settings.nextSeed(),
    }),
  };
}
