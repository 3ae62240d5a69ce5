import * as tfl from '@tensorflow/tfjs-layers';

import { ZeroPaddedMaxPool1D } from './zero-padded-max-pool1d';

/** Resolved layer settings shared by the modules of one network. */
export interface InceptionLayerSettings {
  variant: 'keras' | 'kdctime';
  filters: number;
  kernelSizes: number[];
  bottleneck: number;
  poolSize: number;
  /** A seed for the next initialiser (undefined: unseeded). */
  nextSeed: () => number | undefined;
}

/** Keras BatchNormalization defaults (= tfjs) versus PyTorch's (momentum 0.1 ↔ tfjs 0.9, ε 1e-5). */
const BATCH_NORM = {
  keras: { momentum: 0.99, epsilon: 1e-3 },
  kdctime: { momentum: 0.9, epsilon: 1e-5 },
} as const;

function conv(
  settings: InceptionLayerSettings,
  inputChannels: number,
  filters: number,
  kernelSize: number,
  useBias: boolean,
): tfl.layers.Layer {
  if (settings.variant === 'keras') {
    return tfl.layers.conv1d({
      filters,
      kernelSize,
      padding: 'same',
      useBias,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: settings.nextSeed() }),
    });
  }
  // PyTorch Conv1d default initialisation (kaiming-uniform with a = √5): uniform ±1/√(C_in·k) for weights and bias;
  // the KDCTime code initialises each masked sub-kernel by its own size, which this reproduces per branch.
  const bound = 1 / Math.sqrt(inputChannels * kernelSize);
  return tfl.layers.conv1d({
    filters,
    kernelSize,
    padding: 'same',
    useBias,
    kernelInitializer: tfl.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      seed: settings.nextSeed(),
    }),
    ...(useBias
      ? {
          biasInitializer: tfl.initializers.randomUniform({
            minval: -bound,
            maxval: bound,
            seed: settings.nextSeed(),
          }),
        }
      : {}),
  });
}

function batchNorm(settings: InceptionLayerSettings): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ axis: -1, ...BATCH_NORM[settings.variant] });
}

/**
 * One Inception module (hfawaz/InceptionTime `_inception_module`): bottleneck (only when the input has more than one
 * channel), one convolution per kernel size on the bottleneck output, max-pool + 1×1 convolution on the module
 * input, concatenation in that order, batch normalisation, ReLU. Output `[batch, length, filters · (kernels + 1)]`.
 */
export function inceptionModule(
  x: tfl.SymbolicTensor,
  inputChannels: number,
  settings: InceptionLayerSettings,
): tfl.SymbolicTensor {
  const { filters, kernelSizes, bottleneck, poolSize, variant } = settings;
  let z = x;
  let zChannels = inputChannels;
  if (bottleneck > 0 && inputChannels > 1) {
    z = conv(settings, inputChannels, bottleneck, 1, false).apply(x) as tfl.SymbolicTensor;
    zChannels = bottleneck;
  }
  // KDCTime's branch convolutions carry a bias (the masked conv's attached parameter); Keras's do not.
  const branchBias = variant === 'kdctime';
  const branches = kernelSizes.map(
    (k) => conv(settings, zChannels, filters, k, branchBias).apply(z) as tfl.SymbolicTensor,
  );
  const pool =
    variant === 'keras'
      ? tfl.layers.maxPooling1d({ poolSize, strides: 1, padding: 'same' })
      : new ZeroPaddedMaxPool1D({ poolSize });
  const pooled = pool.apply(x) as tfl.SymbolicTensor;
  branches.push(conv(settings, inputChannels, filters, 1, false).apply(pooled) as tfl.SymbolicTensor);
  const merged = tfl.layers.concatenate({ axis: -1 }).apply(branches) as tfl.SymbolicTensor;
  const normed = batchNorm(settings).apply(merged) as tfl.SymbolicTensor;
  return tfl.layers.activation({ activation: 'relu' }).apply(normed) as tfl.SymbolicTensor;
}

/**
 * The residual shortcut: Keras `ReLU(x + BN(Conv1×1(input)))`; KDCTime `x + ReLU(BN(Conv1×1(input)))`.
 */
export function shortcutLayer(
  residualInput: tfl.SymbolicTensor,
  x: tfl.SymbolicTensor,
  channels: number,
  settings: InceptionLayerSettings,
): tfl.SymbolicTensor {
  const inputChannels = residualInput.shape[residualInput.shape.length - 1] ?? 1;
  let s = conv(settings, inputChannels, channels, 1, false).apply(residualInput) as tfl.SymbolicTensor;
  s = batchNorm(settings).apply(s) as tfl.SymbolicTensor;
  if (settings.variant === 'kdctime') {
    s = tfl.layers.activation({ activation: 'relu' }).apply(s) as tfl.SymbolicTensor;
    return tfl.layers.add().apply([x, s]) as tfl.SymbolicTensor;
  }
  const sum = tfl.layers.add().apply([x, s]) as tfl.SymbolicTensor;
  return tfl.layers.activation({ activation: 'relu' }).apply(sum) as tfl.SymbolicTensor;
}
