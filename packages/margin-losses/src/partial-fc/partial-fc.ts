import * as tf from '@tensorflow/tfjs-core';

import {
  createRng,
  randomNormalTensor,
  sampleWithoutReplacement,
  type Rng,
  type RngState,
} from '@frx/tensor-utils';

import { cosineLogits } from '../head/cosine-logits';
import { CLASS_CENTER_INIT_STDDEV } from '../head/margin-head';
import { arcFaceLogits } from '../logits/arc-face';
import { interClassFilter } from '../logits/inter-class-filter';
import { checkNumber, checkOptionKeys, MarginOptionError } from '../logits/shared';
import { marginCrossEntropy } from '../loss/cross-entropy';

/** A margin function in the package's one shape: `[batch, classes]` cosines + int32 labels → logits. */
export type MarginFunction = (cos: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor2D;

/** Options of {@link PartialFC}. */
export interface PartialFCOptions {
  /** Number of classes C. Required. */
  numClasses: number;
  /** Embedding dimension d. Required. */
  embeddingSize: number;
  /** Share of classes whose centres are used per step, in (0, 1]. Default 0.1 (Partial FC paper's PFC-0.1). */
  sampleRate?: number;
  /** Margin function. Default ArcFace, s = 64, m = 0.5, straight-through (arcface_torch). */
  margin?: MarginFunction;
  /** insightface inter-class filtering threshold; `0` or less disables it. Default 0. */
  interClassFilterThreshold?: number;
  /** SGD learning rate for the class centres. Default 0.1 (arcface_torch `lr`). */
  learningRate?: number;
  /** SGD momentum for the class centres (PyTorch semantics, dampening 0). Default 0.9. */
  momentum?: number;
  /** L2 weight decay added to the centre gradient (PyTorch SGD `weight_decay`). Default 5e-4 (arcface_torch). */
  weightDecay?: number;
  /** Seed for the class sampling and the N(0, 0.01) initialisation. Default 0. */
  seed?: number | string;
  /** Initial class centres `[numClasses, embeddingSize]` (copied). Default N(0, 0.01) from `seed`. */
  initialWeight?: tf.Tensor2D;
}

/** One step's class selection: `index` lists the kept class ids in increasing order; `labels` are remapped into it. */
export interface PartialFCSample {
  /** Sorted class ids of the sampled centres, `[sampled]`. */
  index: Int32Array;
  /** Labels remapped to positions in `index` (-1 stays -1), `[batch]`. */
  labels: Int32Array;
}

/** Options of {@link PartialFC.step}. */
export interface PartialFCStepOptions {
  /** Backbone variables to differentiate together with the sampled centres. Default none. */
  variables?: tf.Variable[];
  /** Optimizer that applies the backbone gradients. Required when `variables` is non-empty. */
  optimizer?: tf.Optimizer;
}

const OPTION_KEYS = [
  'numClasses',
  'embeddingSize',
  'sampleRate',
  'margin',
  'interClassFilterThreshold',
  'learningRate',
  'momentum',
  'weightDecay',
  'seed',
  'initialWeight',
];

/**
 * Partial FC (An et al., "Killing Two Birds with One Stone: Efficient and Robust Training of Face
 * Recognition CNNs by Partial FC", arXiv 2203.15565; insightface `arcface_torch/partial_fc_v2.py`),
 * single-process: it owns the class-centre matrix `W: [numClasses, embeddingSize]` and, per step, keeps every
 * class present in the batch plus a seeded uniform sample of the others, `⌊sampleRate·C⌋` in total, sorted;
 * labels are remapped into that selection and logits are computed for the sampled centres only.
 *
 * Gradients and optimizer state: the sampled rows are gathered into a temporary variable, the loss is
 * differentiated with respect to that sub-matrix only (no dense `[C, d]` gradient, and no
 * `UnsortedSegmentSum`, which the wasm backend lacks), and the update is scattered back. The centres are
 * trained by this class's own SGD with momentum and weight decay (PyTorch `torch.optim.SGD` semantics),
 * whose velocity rows are gathered, updated and scattered back with the weight rows. Rows that are not
 * sampled are untouched in that step ("lazy" momentum, as Partial FC v1 did with its per-shard optimizer
 * state); PyTorch's v2 applies momentum and weight decay to every row through its dense gather gradient, so
 * unsampled rows keep drifting there. With `sampleRate = 1` both are plain SGD with momentum.
 *
 * @example
 * const pfc = new PartialFC({ numClasses: 100_000, embeddingSize: 512, sampleRate: 0.1, seed: 1 });
 * const loss = pfc.step(() => backbone.apply(images) as tf.Tensor2D, labels, { variables, optimizer });
 * loss.dispose();
 */
export class PartialFC {
  readonly numClasses: number;
  readonly embeddingSize: number;
  readonly sampleRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** The class centres `[numClasses, embeddingSize]` (not trainable by tfjs optimizers: this class updates it). */
  readonly weight: tf.Variable<tf.Rank.R2>;
  /** SGD velocity `[numClasses, embeddingSize]`, or null when `momentum` is 0. */
  readonly velocity: tf.Variable<tf.Rank.R2> | null;
  private readonly margin: MarginFunction;
  private readonly interClassFilterThreshold: number;
  private readonly rng: Rng;
  private lr: number;

  constructor(options: PartialFCOptions) {
    const fn = 'PartialFC';
    checkOptionKeys(fn, options, OPTION_KEYS);
    const { numClasses, embeddingSize } = options;
    for (const [name, value] of [
      ['numClasses', numClasses],
      ['embeddingSize', embeddingSize],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new MarginOptionError(`${fn}: option '${name}' must be a positive integer, got ${value}`);
      }
    }
    this.numClasses = numClasses;
    this.embeddingSize = embeddingSize;
    this.sampleRate = checkNumber(fn, 'sampleRate', options.sampleRate ?? 0.1, { positive: true });
    if (this.sampleRate > 1)
      throw new MarginOptionError(`${fn}: option 'sampleRate' must be in (0, 1], got ${this.sampleRate}`);
    this.lr = checkLearningRate(fn, options.learningRate ?? 0.1);
    this.momentum = checkNumber(fn, 'momentum', options.momentum ?? 0.9);
    this.weightDecay = checkNumber(fn, 'weightDecay', options.weightDecay ?? 5e-4);
    this.interClassFilterThreshold = checkNumber(
      fn,
      'interClassFilterThreshold',
      options.interClassFilterThreshold ?? 0,
    );
    if (options.margin !== undefined && typeof options.margin !== 'function') {
      throw new MarginOptionError(`${fn}: option 'margin' must be a function (cos, labels) => logits`);
    }
    this.margin = options.margin ?? ((cos, labels) => arcFaceLogits(cos, labels));
    const seed = options.seed ?? 0;
    this.rng = createRng(seed);
    const initial = options.initialWeight;
    if (
      initial !== undefined &&
      (initial.rank !== 2 || initial.shape[0] !== numClasses || initial.shape[1] !== embeddingSize)
    ) {
      throw new MarginOptionError(
        `${fn}: option 'initialWeight' must be [${numClasses}, ${embeddingSize}], got [${initial.shape.join(', ')}]`,
      );
    }
    this.weight = tf.tidy(() =>
      tf.variable(
        initial !== undefined
          ? // A fresh buffer, not a clone sharing `initial`'s: the cpu backend's TensorScatterUpdate
            // (tfjs 4.22) writes into its input's buffer, which would change the caller's tensor.
            tf.add(initial, 0)
          : // A separate stream, so the sampling sequence does not depend on how W was initialised.
            (randomNormalTensor([numClasses, embeddingSize], createRng(`init:${seed}`), {
              stddev: CLASS_CENTER_INIT_STDDEV,
            }) as tf.Tensor2D),
        false,
      ),
    );
    this.velocity =
      this.momentum !== 0
        ? tf.tidy(() => tf.variable<tf.Rank.R2>(tf.zeros([numClasses, embeddingSize]), false))
        : null;
  }

  /**
   * Chooses this step's classes (Partial FC v2 sampling): the sorted unique labels of the batch, plus
   * `⌊sampleRate·C⌋ − |positives|` other classes drawn uniformly without replacement from the seeded
   * stream (if the positives alone reach the budget, only they are kept); then remaps the labels.
   *
   * @param labels `[batch]` class ids in [0, numClasses), or -1 to ignore a row.
   */
  sample(labels: ArrayLike<number> | tf.Tensor1D): PartialFCSample {
    return samplePartialFCClasses(labels, this.numClasses, this.sampleRate, this.rng, 'PartialFC.sample');
  }

  /**
   * The loss for given features and a sampled sub-matrix: normalise, cosine, clamp to [-1, 1], optional
   * inter-class filtering, margin, mean cross-entropy. Used inside {@link step}'s gradient closure; exposed
   * for custom loops.
   *
   * @param features `[batch, embeddingSize]`.
   * @param sampledWeight `[sampled, embeddingSize]`, rows `W[sample.index]`.
   * @param labels `[batch]` int32 labels remapped by {@link sample}.
   */
  loss(features: tf.Tensor2D, sampledWeight: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      let cos = cosineLogits(features, sampledWeight);
      if (this.interClassFilterThreshold > 0) {
        cos = interClassFilter(cos, labels, { threshold: this.interClassFilterThreshold });
      }
      return marginCrossEntropy(this.margin(cos, labels), labels);
    });
  }

  /**
   * One training step: samples classes, differentiates the loss with respect to the sampled centres (and
   * the given backbone variables), applies the backbone gradients with `optimizer`, and updates the sampled
   * rows of `weight` and `velocity` with SGD + momentum + weight decay. Tensor count stays constant per step.
   *
   * @param features `[batch, embeddingSize]`, or a function computing them from the backbone variables.
   * @param labels `[batch]` class ids (-1 = ignore).
   * @param options `variables` (none) and `optimizer`.
   * @returns the loss (a scalar the caller disposes).
   */
  step(
    features: tf.Tensor2D | (() => tf.Tensor2D),
    labels: ArrayLike<number> | tf.Tensor1D,
    options: PartialFCStepOptions = {},
  ): tf.Scalar {
    checkOptionKeys('PartialFC.step', options, ['variables', 'optimizer']);
    const variables = options.variables ?? [];
    if (variables.length > 0 && options.optimizer === undefined) {
      throw new MarginOptionError("PartialFC.step: option 'optimizer' is required when 'variables' is given");
    }
    const sample = this.sample(labels);
    const full = sample.index.length === this.numClasses;
    const index = tf.tensor1d(sample.index, 'int32');
    const remapped = tf.tensor1d(sample.labels, 'int32');
    // A temporary variable holding W[index]: the gradient is taken with respect to it, so it is
    // [sampled, d] and needs no gather gradient (UnsortedSegmentSum, missing on wasm).
    const sub = tf.tidy(() =>
      tf.variable<tf.Rank.R2>(full ? tf.clone(this.weight) : tf.gather(this.weight, index), true),
    );
    try {
      const { value, grads } = tf.variableGrads(() => {
        const x = typeof features === 'function' ? features() : features;
        return this.loss(x, sub, remapped);
      }, [sub, ...variables]);
      const centreGrad = grads[sub.name]!;
      if (variables.length > 0) {
        const backbone: tf.NamedTensorMap = {};
        for (const v of variables) backbone[v.name] = grads[v.name]!;
        options.optimizer!.applyGradients(backbone);
      }
      this.updateRows(index, sub, centreGrad as tf.Tensor2D, full);
      tf.dispose(grads);
      return value;
    } finally {
      sub.dispose();
      index.dispose();
      remapped.dispose();
    }
  }

  /** PyTorch SGD on the sampled rows: g = grad + wd·w; v = μ·v + g; w = w − lr·v; scattered back. */
  private updateRows(index: tf.Tensor1D, rows: tf.Tensor2D, grad: tf.Tensor2D, full: boolean): void {
    const scatterIndex = full ? null : tf.expandDims<tf.Tensor2D>(index, 1);
    // tensorScatterUpdate returns a new [C, d] tensor (tfjs tensors are immutable): one full copy per
    // written matrix, written one after the other to keep the transient memory at one copy.
    const write = (target: tf.Variable<tf.Rank.R2>, newRows: tf.Tensor2D) => {
      const updated = scatterIndex === null ? newRows : tf.tensorScatterUpdate(target, scatterIndex, newRows);
      target.assign(updated);
      tf.dispose([updated, newRows]);
    };
    const velocity = this.velocity;
    const newVelocity = tf.tidy((): tf.Tensor2D => {
      const direction: tf.Tensor2D =
        this.weightDecay !== 0 ? tf.add(grad, tf.mul(rows, this.weightDecay)) : grad;
      if (velocity === null) return tf.clone(direction);
      const previous = scatterIndex === null ? velocity : tf.gather(velocity, index);
      return tf.add(tf.mul(previous, this.momentum), direction);
    });
    const newWeight = tf.tidy((): tf.Tensor2D => tf.sub(rows, tf.mul(newVelocity, this.lr)));
    if (velocity !== null) write(velocity, newVelocity);
    else newVelocity.dispose();
    write(this.weight, newWeight);
    scatterIndex?.dispose();
  }

  /** The SGD learning rate of the class centres used by the next {@link PartialFC.step}. */
  get learningRate(): number {
    return this.lr;
  }

  /**
   * Sets the centres' learning rate, e.g. from a scheduler each iteration (`pfc.setLearningRate(scheduler.lr)`),
   * as arcface_torch's one optimizer does for the backbone and the Partial FC weight together.
   */
  setLearningRate(learningRate: number): void {
    this.lr = checkLearningRate('PartialFC.setLearningRate', learningRate);
  }

  /** The class-sampling RNG's state (JSON-serialisable), for checkpoints; see {@link PartialFC.setRngState}. */
  getRngState(): RngState {
    return this.rng.getState();
  }

  /** Continues the class sampling from a state returned by {@link PartialFC.getRngState}. */
  setRngState(state: RngState): void {
    this.rng.setState(state);
  }

  /** Frees the class centres and the velocity. */
  dispose(): void {
    this.weight.dispose();
    this.velocity?.dispose();
  }
}

function checkLearningRate(fn: string, value: number): number {
  if (checkNumber(fn, 'learningRate', value) < 0) {
    throw new MarginOptionError(`${fn}: option 'learningRate' must be ≥ 0, got ${value}`);
  }
  return value;
}

/**
 * Partial FC v2's class selection for one step, as a pure function of the labels and an RNG: the sorted unique
 * labels of the batch plus `⌊sampleRate·numClasses⌋ − |positives|` other classes drawn uniformly without
 * replacement from `rng` (one `sampleWithoutReplacement` call; none when the positives alone reach the budget),
 * sorted; the labels remapped into that selection (-1 stays -1). {@link PartialFC.sample} is this with the
 * instance's settings and RNG; heads that own their class centres differently (e.g. as an ordinary trainable
 * variable) can share the sampling.
 *
 * @param labels `[batch]` class ids in [0, numClasses), or -1 to ignore a row.
 * @param numClasses number of classes C.
 * @param sampleRate share of classes kept, in (0, 1].
 * @param rng the stream the negatives are drawn from (advanced in place).
 * @param owner name used in error messages.
 * @throws MarginOptionError for a label outside [0, C) other than -1, or a bad `sampleRate`.
 *
 * @example
 * const { index, labels: remapped } = samplePartialFCClasses([3, 7, 3], 1000, 0.1, createRng(1)); // 100 classes
 */
export function samplePartialFCClasses(
  labels: ArrayLike<number> | tf.Tensor1D,
  numClasses: number,
  sampleRate: number,
  rng: Rng,
  owner = 'samplePartialFCClasses',
): PartialFCSample {
  if (!(sampleRate > 0 && sampleRate <= 1)) {
    throw new MarginOptionError(`${owner}: sampleRate must be in (0, 1], got ${sampleRate}`);
  }
  const values = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  const present = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const y = values[i]!;
    if (y === -1) continue;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new MarginOptionError(
        `${owner}: label ${y} at position ${i} is outside [0, ${numClasses}) and not -1`,
      );
    }
    present.add(y);
  }
  const positives = Int32Array.from(present).sort();
  const budget = Math.floor(sampleRate * numClasses);
  let index = positives;
  if (budget > positives.length) {
    const ranks = sampleWithoutReplacement(
      numClasses - positives.length,
      budget - positives.length,
      rng,
    ).sort();
    // The r-th negative class (in increasing order) is r plus the number of positives below it.
    const negatives = new Int32Array(ranks.length);
    let p = 0;
    for (let i = 0; i < ranks.length; i++) {
      while (p < positives.length && positives[p]! <= ranks[i]! + p) p++;
      negatives[i] = ranks[i]! + p;
    }
    index = new Int32Array(budget);
    index.set(positives);
    index.set(negatives, positives.length);
    index.sort();
  }
  const remapped = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const y = values[i]!;
    if (y === -1) {
      remapped[i] = -1;
      continue;
    }
    let lo = 0;
    let hi = index.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (index[mid]! < y) lo = mid + 1;
      else hi = mid;
    }
    remapped[i] = lo;
  }
  return { index, labels: remapped };
}
