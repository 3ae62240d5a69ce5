import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { arcFaceLogits, type ArcFaceOptions } from '../logits/arc-face';
import { combinedMarginLogits, type CombinedMarginOptions } from '../logits/combined-margin';
import { cosFaceLogits, type CosFaceOptions } from '../logits/cos-face';
import { interClassFilter } from '../logits/inter-class-filter';
import { normFaceLogits, type NormFaceOptions } from '../logits/norm-face';
import { checkNumber, checkOptionKeys, MarginOptionError } from '../logits/shared';
import { x2SoftmaxLogits, type X2SoftmaxOptions } from '../logits/x2-softmax';
import { cosineLogits } from './cosine-logits';

/** The margin a {@link MarginHead} applies: a method name plus that function's options (JSON, serialisable). */
export type MarginHeadMargin =
  | ({ method: 'normFace' } & NormFaceOptions)
  | ({ method: 'cosFace' } & CosFaceOptions)
  | ({ method: 'arcFace' } & ArcFaceOptions)
  | ({ method: 'combinedMargin' } & CombinedMarginOptions)
  | ({ method: 'x2Softmax' } & X2SoftmaxOptions);

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** Constructor arguments of {@link MarginHead}. */
export interface MarginHeadArgs extends LayerArgs {
  /** Number of classes C (rows of the class-centre matrix). Required. */
  units: number;
  /** Margin method and options. Default `{ method: 'arcFace' }` (s 64, m 0.5, straight-through). */
  margin?: MarginHeadMargin;
  /**
   * insightface's inter-class filtering threshold τ (see {@link interClassFilter}); `0` or less disables it.
   * Default 0.
   */
  interClassFilterThreshold?: number;
  /** Seed of the N(0, 0.01) class-centre initialiser. Default none (unseeded). */
  seed?: number;
}

const MARGIN_KEYS: Record<MarginHeadMargin['method'], readonly string[]> = {
  normFace: ['s'],
  cosFace: ['s', 'm'],
  arcFace: ['s', 'm', 'gradient', 'easyMargin'],
  combinedMargin: ['s', 'm1', 'm2', 'm3', 'gradient'],
  x2Softmax: ['s', 'a', 'h', 'k', 'gradient'],
};

/** Standard deviation of the class-centre initialiser (arcface_torch Partial FC, FastFace, X2-Softmax). */
export const CLASS_CENTER_INIT_STDDEV = 0.01;

function applyMargin(cos: tf.Tensor2D, labels: tf.Tensor1D, margin: MarginHeadMargin): tf.Tensor2D {
  const { method, ...options } = margin;
  switch (method) {
    case 'normFace':
      return normFaceLogits(cos, labels, options);
    case 'cosFace':
      return cosFaceLogits(cos, labels, options);
    case 'arcFace':
      return arcFaceLogits(cos, labels, options);
    case 'combinedMargin':
      return combinedMarginLogits(cos, labels, options);
    case 'x2Softmax':
      return x2SoftmaxLogits(cos, labels, options);
  }
}

/**
 * A classification head that owns the class-centre matrix `W: [classes, dim]` (initialised N(0, 0.01),
 * the layout of arcface_torch / FastFace / X2-Softmax), normalises features and centres, clamps their
 * cosines to [-1, 1] and applies a margin function.
 *
 * - `apply([features, labels])`: features `[batch, dim]`, labels `[batch]` (or `[batch, 1]`, any dtype,
 *   -1 = ignore) → margin logits `[batch, classes]` for training; feed them to `marginCrossEntropy`.
 * - `apply(features)`: → `s·cos` without margin (all rows treated as unlabelled), for monitoring.
 *
 * Inference needs only the backbone: W is not part of the embedding model.
 *
 * @example
 * const head = new MarginHead({ units: 1000, margin: { method: 'x2Softmax' } });
 * const { value, grads } = tf.variableGrads(() =>
 *   marginCrossEntropy(head.apply([backbone.apply(x), labels]) as tf.Tensor2D, labels));
 */
export class MarginHead extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxMarginHead';

  declare readonly units: number;
  declare readonly margin: MarginHeadMargin;
  declare readonly interClassFilterThreshold: number;
  declare readonly seed: number | undefined;
  declare private kernel: tfl.LayerVariable | null;

  constructor(args: MarginHeadArgs) {
    const { units, margin = { method: 'arcFace' }, interClassFilterThreshold = 0, seed, ...base } = args;
    super(base);
    if (!Number.isInteger(units) || units < 1) {
      throw new MarginOptionError(`MarginHead: units must be a positive integer, got ${units}`);
    }
    if (margin === null || typeof margin !== 'object' || !(margin.method in MARGIN_KEYS)) {
      throw new MarginOptionError(
        `MarginHead: margin.method must be one of ${Object.keys(MARGIN_KEYS).join(', ')}, got ${String((margin as { method?: unknown })?.method)}`,
      );
    }
    const { method, ...marginOptions } = margin;
    checkOptionKeys(`MarginHead (margin '${method}')`, marginOptions, MARGIN_KEYS[method]);
    checkNumber('MarginHead', 'interClassFilterThreshold', interClassFilterThreshold);
    if (seed !== undefined) checkNumber('MarginHead', 'seed', seed);
    this.units = units;
    this.margin = { ...margin };
    this.interClassFilterThreshold = interClassFilterThreshold;
    this.seed = seed;
    this.kernel = null;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const featureShape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const dim = featureShape[featureShape.length - 1];
    if (typeof dim !== 'number')
      throw new MarginOptionError('MarginHead: the feature dimension must be known');
    this.kernel = this.addWeight(
      'kernel',
      [this.units, dim],
      'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev: CLASS_CENTER_INIT_STDDEV, seed: this.seed }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const featureShape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [featureShape[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const features = list[0] as tf.Tensor2D;
      if (features.rank !== 2) {
        throw new MarginOptionError(
          `MarginHead: features must be [batch, dim], got [${features.shape.join(', ')}]`,
        );
      }
      const batch = features.shape[0];
      const labels: tf.Tensor1D =
        list[1] === undefined ? tf.fill([batch], -1, 'int32') : tf.cast(tf.reshape(list[1], [-1]), 'int32');
      if (labels.shape[0] !== batch) {
        throw new MarginOptionError(`MarginHead: got ${labels.shape[0]} labels for a batch of ${batch}`);
      }
      let cos = cosineLogits(features, this.kernel!.read() as tf.Tensor2D);
      if (this.interClassFilterThreshold > 0) {
        cos = interClassFilter(cos, labels, { threshold: this.interClassFilterThreshold });
      }
      return applyMargin(cos, labels, this.margin);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      units: this.units,
      margin: { ...this.margin },
      interClassFilterThreshold: this.interClassFilterThreshold,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return { ...config, ...super.getConfig() };
  }
}

// Registered where the class is defined, not by the package entry: with `sideEffects: false` a bundle that
// imports only margin functions then drops this module, and with it all of tfjs-layers.
tf.serialization.registerClass(MarginHead);
