import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { TorchBatchNorm } from '../layers/torch-batch-norm';

/**
 * One tensor of a PyTorch state dict, C-contiguous in PyTorch's layout (e.g. `[out, in, kh, kw]`).
 * `readTorchCheckpoint` / `readTorchCheckpointFile` of `@frx/data-readers` return exactly this shape.
 */
export interface TorchStateTensor {
  /** PyTorch shape (`[]` for a scalar). */
  shape: readonly number[];
  /** Elements in C order; integer tensors (e.g. `num_batches_tracked`, int64) are only accepted where ignored. */
  data: ArrayLike<number> | BigInt64Array;
}

/** A PyTorch state dict: parameter name → tensor, as a `Map` or a plain object. */
export type TorchStateDict =
  ReadonlyMap<string, TorchStateTensor> | Readonly<Record<string, TorchStateTensor>>;

/** Options of {@link loadTorchWeights}. */
export interface LoadTorchWeightsOptions {
  /**
   * Default `true`: throw a {@link TorchWeightsError} (and load nothing) when a model weight has no
   * key in the state dict or a key matches no model weight, like PyTorch's `load_state_dict(strict=True)`.
   * With `false`, load what matches and report the rest.
   */
  strict?: boolean;
}

/** What {@link loadTorchWeights} did; key names are the state dict's (after stripping `module.`). */
export interface LoadTorchWeightsResult {
  /** Keys copied into the model. */
  loaded: string[];
  /** Expected keys that the state dict lacks (their model weights keep their values). */
  missing: string[];
  /** Keys that match no model weight. */
  unexpected: string[];
  /** Keys deliberately skipped: BatchNorm `num_batches_tracked`. */
  ignored: string[];
}

/** Thrown by {@link loadTorchWeights} for missing/unexpected keys (strict mode) or mismatched shapes. */
export class TorchWeightsError extends Error {
  override readonly name = 'TorchWeightsError';
  constructor(
    message: string,
    readonly missing: readonly string[] = [],
    readonly unexpected: readonly string[] = [],
  ) {
    super(message);
  }
}

type Convert = (value: tf.Tensor) => tf.Tensor;

interface Target {
  key: string;
  variable: tfl.LayerVariable;
  /** Expected PyTorch shape. */
  torchShape: number[];
  convert: Convert;
}

const KNOWN_OPTIONS = new Set(['strict']);

function convTargets(layer: tfl.layers.Layer, name: string): Target[] {
  const [kernel, bias] = layer.weights;
  const [kh, kw, cin, cout] = kernel!.shape as number[];
  const targets: Target[] = [
    {
      key: `${name}.weight`,
      variable: kernel!,
      torchShape: [cout!, cin!, kh!, kw!],
      // [out, in, kh, kw] → [kh, kw, in, out]
      convert: (w) => tf.transpose(w, [2, 3, 1, 0]),
    },
  ];
  if (bias) targets.push({ key: `${name}.bias`, variable: bias, torchShape: [cout!], convert: (b) => b });
  return targets;
}

function groupedConvTargets(layer: tfl.layers.Layer, name: string): Target[] {
  const kernel = layer.weights[0]!;
  const [k, , cin, perGroupOut] = kernel.shape as number[];
  const groups = (layer.getConfig()['groups'] as number) ?? 1;
  const perGroupIn = cin! / groups;
  return [
    {
      key: `${name}.weight`,
      variable: kernel,
      torchShape: [groups * perGroupOut!, perGroupIn, k!, k!],
      // weight[g·b + m, j, i, l] → kernel[i, l, g·a + j, m]
      convert: (w) =>
        tf.reshape(tf.transpose(tf.reshape(w, [groups, perGroupOut!, perGroupIn, k!, k!]), [3, 4, 0, 2, 1]), [
          k!,
          k!,
          cin!,
          perGroupOut!,
        ]),
    },
  ];
}

/** The `[height, width, channels]` a Dense layer's input was flattened from, when it follows a Flatten of a map. */
function flattenedMapShape(layer: tfl.layers.Layer): [number, number, number] | null {
  const inbound = layer.inboundNodes[0]?.inboundLayers[0];
  if (inbound == null || inbound.getClassName() !== 'Flatten') return null;
  // A node's inputShapes is a list of shapes (one per input tensor).
  const shapes = inbound.inboundNodes[0]?.inputShapes as (number | null)[][] | undefined;
  const shape = shapes?.[0];
  if (shape == null) return null;
  if (shape.length !== 4) return null;
  const [, h, w, c] = shape;
  if (h == null || w == null || c == null || h * w === 1) return null;
  return [h, w, c];
}

function denseTargets(layer: tfl.layers.Layer, name: string): Target[] {
  const [kernel, bias] = layer.weights;
  const [inputs, units] = kernel!.shape as number[];
  const map = flattenedMapShape(layer);
  const targets: Target[] = [
    {
      key: `${name}.weight`,
      variable: kernel!,
      torchShape: [units!, inputs!],
      convert: map
        ? // PyTorch flattened [C, H, W]; tfjs flattens [H, W, C]: [out, C·H·W] → [out, C, H, W] → [H, W, C, out].
          (w) =>
            tf.reshape(tf.transpose(tf.reshape(w, [units!, map[2], map[0], map[1]]), [2, 3, 1, 0]), [
              inputs!,
              units!,
            ])
        : (w) => tf.transpose(w),
    },
  ];
  if (bias) targets.push({ key: `${name}.bias`, variable: bias, torchShape: [units!], convert: (b) => b });
  return targets;
}

function preluTargets(layer: tfl.layers.Layer, name: string): Target[] {
  const alpha = layer.weights[0]!;
  return [
    {
      key: `${name}.weight`,
      variable: alpha,
      torchShape: [alpha.shape[alpha.shape.length - 1]!],
      convert: (a) => tf.reshape(a, alpha.shape as number[]),
    },
  ];
}

function batchNormTargets(layer: TorchBatchNorm, name: string): Target[] {
  // Read the variables by role: `layer.weights` lists trainable weights first, so a frozen γ moves.
  const roles: [string, tfl.LayerVariable | null][] = [
    ['weight', layer.gamma],
    ['bias', layer.beta],
    ['running_mean', layer.movingMean],
    ['running_var', layer.movingVariance],
  ];
  return roles
    .filter((role): role is [string, tfl.LayerVariable] => role[1] != null)
    .map(([param, variable]) => ({
      key: `${name}.${param}`,
      variable,
      torchShape: [variable.shape[0]!],
      convert: (v: tf.Tensor) => v,
    }));
}

function targetsOf(layer: tfl.layers.Layer): Target[] {
  if (layer.weights.length === 0) return [];
  const name = layer.name;
  switch (layer.getClassName()) {
    case 'Conv2D':
      return convTargets(layer, name);
    case 'FrxGroupedConv2D':
      return groupedConvTargets(layer, name);
    case 'Dense':
      return denseTargets(layer, name);
    case 'PReLU':
      return preluTargets(layer, name);
    case TorchBatchNorm.className:
      return batchNormTargets(layer as TorchBatchNorm, name);
    default:
      throw new TorchWeightsError(
        `loadTorchWeights: layer '${name}' of class ${layer.getClassName()} has weights but no PyTorch mapping`,
      );
  }
}

function entries(stateDict: TorchStateDict): [string, TorchStateTensor][] {
  if (stateDict instanceof Map) return [...(stateDict as ReadonlyMap<string, TorchStateTensor>).entries()];
  if (stateDict != null && typeof stateDict === 'object')
    return Object.entries(stateDict as Record<string, TorchStateTensor>);
  throw new TypeError('loadTorchWeights: stateDict must be a Map or an object of tensors');
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Copies a PyTorch state dict (insightface IResNet or MobileFaceNet) into a model built by
 * {@link iresnet} or {@link mobileFaceNet}: model layer names are the PyTorch module paths, so key
 * `layer1.0.conv1.weight` goes to layer `layer1.0.conv1`. Conversions: conv `[O, I, kh, kw]` →
 * `[kh, kw, I, O]`; grouped/depthwise conv `[O, I/G, k, k]` → `[k, k, I, O/G]`; Linear `[out, in]` →
 * `[in, out]`, and for a Linear after the flatten of a `[C, H, W]` map its columns are reordered to
 * tfjs' `[H, W, C]` flatten order; BatchNorm weight/bias/running_mean/running_var → γ/β/moving mean/
 * moving variance (`num_batches_tracked` is ignored); PReLU `[C]` → alpha `[1, 1, C]`. A `module.`
 * prefix (DataParallel) is stripped. All keys are checked before anything is written.
 *
 * @param model a model from {@link iresnet}, {@link mobileFaceNet} or another model whose layer names
 *   are PyTorch module paths and whose weighted layers are Conv2D, Dense, PReLU, TorchBatchNorm or GroupedConv2D.
 * @param stateDict name → `{ shape, data }` (C order), e.g. from `readTorchCheckpointFile(path)` of
 *   `@frx/data-readers/node` or `readTorchCheckpoint(bytes)` of `@frx/data-readers`.
 * @param options `strict` (default `true`).
 * @returns the keys loaded, missing, unexpected and ignored.
 * @throws TorchWeightsError naming missing/unexpected keys (strict) or a key whose shape differs
 *   from the model's; TypeError on an unknown option.
 *
 * @example
 * import { readTorchCheckpointFile } from '@frx/data-readers/node';
 * const model = iresnet50();
 * loadTorchWeights(model, await readTorchCheckpointFile('ms1mv3_arcface_r50_fp16/backbone.pth'));
 *
 * Follows the conversion rules of the project's iresnet.md §6 and PyTorch's `load_state_dict` semantics.
 */
export function loadTorchWeights(
  model: tfl.LayersModel,
  stateDict: TorchStateDict,
  options: LoadTorchWeightsOptions = {},
): LoadTorchWeightsResult {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`loadTorchWeights: unknown option '${key}'`);
  }
  const strict = options.strict ?? true;
  const targets = new Map<string, Target>();
  const batchNormLayers = new Set<string>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'FrxTorchBatchNorm') batchNormLayers.add(layer.name);
    for (const target of targetsOf(layer)) targets.set(target.key, target);
  }
  const matched: [Target, TorchStateTensor][] = [];
  const unexpected: string[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  for (const [rawKey, tensor] of entries(stateDict)) {
    const key = rawKey.startsWith('module.') ? rawKey.slice('module.'.length) : rawKey;
    const target = targets.get(key);
    if (target == null) {
      const dot = key.lastIndexOf('.');
      if (key.endsWith('.num_batches_tracked') && batchNormLayers.has(key.slice(0, dot))) ignored.push(key);
      else unexpected.push(key);
      continue;
    }
    if (!sameShape(tensor.shape, target.torchShape)) {
      throw new TorchWeightsError(
        `loadTorchWeights: '${key}' has shape [${tensor.shape.join(', ')}], the model expects [${target.torchShape.join(', ')}] ` +
          `(for tfjs weight '${target.variable.originalName}' of shape [${target.variable.shape.join(', ')}])`,
      );
    }
    if (tensor.data instanceof BigInt64Array) {
      throw new TorchWeightsError(`loadTorchWeights: '${key}' holds int64 values, expected floating point`);
    }
    seen.add(key);
    matched.push([target, tensor]);
  }
  const missing = [...targets.keys()].filter((key) => !seen.has(key));
  if (strict && (missing.length > 0 || unexpected.length > 0)) {
    const parts = [
      missing.length > 0 ? `missing key(s): ${missing.join(', ')}` : '',
      unexpected.length > 0 ? `unexpected key(s): ${unexpected.join(', ')}` : '',
    ].filter(Boolean);
    throw new TorchWeightsError(`loadTorchWeights (strict): ${parts.join('; ')}`, missing, unexpected);
  }
  for (const [target, tensor] of matched) {
    const value = tf.tidy(() =>
      target.convert(
        tf.tensor(Float32Array.from(tensor.data as ArrayLike<number>), [...tensor.shape], 'float32'),
      ),
    );
    target.variable.write(value);
    value.dispose();
  }
  return { loaded: matched.map(([t]) => t.key), missing, unexpected, ignored };
}
