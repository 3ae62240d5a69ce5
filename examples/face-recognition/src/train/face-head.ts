import * as tf from '@tensorflow/tfjs-core';

import {
  adaCosInitialScale,
  adaCosLogits,
  adaCosScale,
  arcFaceLogits,
  combinedMarginLogits,
  cosFaceLogits,
  cosineLogits,
  curricularFaceLogits,
  curricularFaceUpdate,
  magFaceLogits,
  magFaceRegularizer,
  marginCrossEntropy,
  normFaceLogits,
  samplePartialFCClasses,
  subCenterArcFaceLogits,
  x2SoftmaxLogits,
  CLASS_CENTER_INIT_STDDEV,
  type MarginFunction,
} from '@frx/margin-losses';
import { createRng, randomNormalTensor, type Rng } from '@frx/tensor-utils';

import type { FaceConfig } from '../config/face-config';

/** The head fields of a {@link FaceConfig}. */
export type HeadConfig = Pick<
  FaceConfig,
  'margin' | 'scale' | 'marginM' | 'marginM1' | 'marginM3' | 'sampleRate' | 'subCenters'
>;

/** Sub-center ArcFace's K when the config does not say (Deng et al. 2020 use K = 3). */
export const DEFAULT_SUB_CENTERS = 3;

/**
 * The state a head carries from step to step, saved in checkpoints: AdaCos' scale `s` (Zhang et al. 2019)
 * and CurricularFace's running mean target cosine `t` (Huang et al. 2020). Empty for the other heads.
 */
export type HeadState = Partial<Record<'adaCosScale' | 'curricularT', number>>;

/**
 * The stateless margin function a config names, as `(cos [batch, classes], labels [batch]) → logits`:
 * X2-Softmax (a = −0.9, h = 0, k = 0.65, Xu et al. 2023), ArcFace (Deng et al. 2019), CosFace (Wang et al.
 * 2018), the combined margin (m1, m2, m3) of insightface, NormFace (Wang et al. 2017), sub-center ArcFace
 * (Deng et al. 2020; `cos` then has `classes·K` columns), all with scale `s`. The heads that need more than
 * the cosines (MagFace: feature norms; AdaCos, CurricularFace: per-step state) are built by
 * {@link FaceHead} and have no margin function: `null`.
 */
export function marginFunction(config: HeadConfig): MarginFunction | null {
  const s = config.scale;
  switch (config.margin) {
    case 'x2softmax':
      return (cos, labels) => x2SoftmaxLogits(cos, labels, { s });
    case 'arcface':
      return (cos, labels) => arcFaceLogits(cos, labels, { s, m: config.marginM });
    case 'cosface':
      return (cos, labels) => cosFaceLogits(cos, labels, { s, m: config.marginM });
    case 'combined':
      return (cos, labels) =>
        combinedMarginLogits(cos, labels, {
          s,
          m1: config.marginM1,
          m2: config.marginM,
          m3: config.marginM3,
        });
    case 'normface':
      return (cos, labels) => normFaceLogits(cos, labels, { s });
    case 'subcenter':
      return (cos, labels) =>
        subCenterArcFaceLogits(cos, labels, {
          s,
          m: config.marginM,
          subCenters: config.subCenters ?? DEFAULT_SUB_CENTERS,
        });
    case 'magface':
    case 'adacos':
    case 'curricularface':
      return null;
  }
}

let headCount = 0;

/** One step's Partial FC class selection. */
export interface ClassSample {
  /** Sorted class ids whose centres take part, `[sampled]`; `null` = all classes. */
  index: Int32Array | null;
  /** Labels remapped into `index`, `[batch]`. */
  labels: Int32Array;
}

/**
 * The classification head of face-recognition training: class centres `W: [classes·K, embedding]` ~
 * N(0, 0.01) (arcface_torch `PartialFC_V2`; K = 1 except for sub-center ArcFace), cosine logits clamped to
 * [−1, 1], a margin, and cross-entropy. Unlike `PartialFC` of `@frx/margin-losses`, `W` is an ordinary
 * trainable variable, so the run's optimizer (and therefore its learning-rate schedule, momentum and weight
 * decay) updates it together with the backbone, as arcface_torch does with its single parameter list.
 * Partial FC v2 sampling (An et al. 2022): every class in the batch plus uniformly drawn others, `⌊rate·C⌋`
 * in total (with all K sub-centres of each); the gradient of the gathered rows is scattered back densely.
 *
 * Per-step inputs beyond the cosines: MagFace (Meng et al. 2021) takes the raw embedding norms (its margin
 * grows with them, and its regulariser `λ_g·g(a)` is added to the loss); AdaCos re-estimates its scale from
 * each batch before the logits (starting at `√2·ln(C − 1)`); CurricularFace updates its running `t` (momentum
 * 0.01, from 0) from each batch before the logits. That state is {@link FaceHead.getState} and travels in
 * checkpoints, so a resumed run continues with the same `s` / `t`.
 */
export class FaceHead {
  readonly weight: tf.Variable<tf.Rank.R2>;
  /** Rows of `weight` per class: sub-center ArcFace's K, else 1. */
  readonly subCenters: number;
  private readonly margin: MarginFunction | null;
  private state: HeadState;

  constructor(
    readonly numClasses: number,
    readonly embeddingSize: number,
    readonly config: HeadConfig,
    seed: number,
  ) {
    this.margin = marginFunction(config);
    this.subCenters = config.margin === 'subcenter' ? (config.subCenters ?? DEFAULT_SUB_CENTERS) : 1;
    if (!Number.isInteger(this.subCenters) || this.subCenters < 1) {
      throw new RangeError(`FaceHead: subCenters must be an integer >= 1, got ${this.subCenters}`);
    }
    this.state = FaceHead.initialState(config, numClasses);
    this.weight = tf.tidy(() =>
      tf.variable(
        randomNormalTensor([numClasses * this.subCenters, embeddingSize], createRng(`${seed}:head`), {
          stddev: CLASS_CENTER_INIT_STDDEV,
        }) as tf.Tensor2D,
        true,
        `face_head/weight_${headCount++}`,
      ),
    );
  }

  private static initialState(config: HeadConfig, numClasses: number): HeadState {
    if (config.margin === 'adacos') return { adaCosScale: adaCosInitialScale(numClasses) };
    if (config.margin === 'curricularface') return { curricularT: 0 };
    return {};
  }

  /** The per-step state (AdaCos scale, CurricularFace t), for checkpoints. */
  getState(): HeadState {
    return { ...this.state };
  }

  /**
   * Restores {@link FaceHead.getState}'s output.
   *
   * @throws RangeError when a field this head needs is missing or not finite.
   */
  setState(state: HeadState): void {
    const needed = Object.keys(FaceHead.initialState(this.config, this.numClasses)) as (keyof HeadState)[];
    for (const key of needed) {
      const v = state[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`FaceHead.setState: '${key}' must be a finite number, got ${String(v)}`);
      }
    }
    this.state = { ...state };
  }

  /**
   * Draws this step's classes from `rng` with Partial FC v2's sampling (`samplePartialFCClasses` of
   * `@frx/margin-losses`); no draw, and all classes, when the rate keeps every class.
   */
  sample(labels: Int32Array, rng: Rng): ClassSample {
    if (Math.floor(this.config.sampleRate * this.numClasses) >= this.numClasses)
      return { index: null, labels };
    return samplePartialFCClasses(labels, this.numClasses, this.config.sampleRate, rng, 'FaceHead.sample');
  }

  /** Rows of `weight` a sample uses: each sampled class's K sub-centres, class-major. */
  private rows(index: Int32Array): Int32Array {
    const k = this.subCenters;
    if (k === 1) return index;
    const rows = new Int32Array(index.length * k);
    index.forEach((c, i) => {
      for (let j = 0; j < k; j++) rows[i * k + j] = c * k + j;
    });
    return rows;
  }

  /**
   * Mean margin cross-entropy of a batch (plus MagFace's regulariser). Updates the AdaCos scale /
   * CurricularFace t from this batch first (reading the cosines synchronously), as FaceX-Zoo's heads do.
   *
   * @param embeddings `[batch, embedding]` backbone outputs.
   * @param sample From {@link FaceHead.sample}.
   */
  loss(embeddings: tf.Tensor2D, sample: ClassSample): tf.Scalar {
    return tf.tidy(() => {
      const centres =
        sample.index === null
          ? this.weight
          : tf.gather(this.weight, tf.tensor1d(this.rows(sample.index), 'int32'));
      const labels = tf.tensor1d(sample.labels, 'int32');
      const cos = cosineLogits(embeddings, centres);
      const s = this.config.scale;
      switch (this.config.margin) {
        case 'magface': {
          const norms = tf.norm(embeddings, 2, 1) as tf.Tensor1D;
          const logits = magFaceLogits(cos, labels, { norms, s });
          return tf.add(marginCrossEntropy(logits, labels), magFaceRegularizer(norms));
        }
        case 'adacos': {
          const scale = adaCosScale(cos, labels, { s: this.state.adaCosScale! });
          this.state = { adaCosScale: scale };
          return marginCrossEntropy(adaCosLogits(cos, labels, { s: scale }), labels);
        }
        case 'curricularface': {
          const t = curricularFaceUpdate(cos, labels, this.state.curricularT!);
          this.state = { curricularT: t };
          return marginCrossEntropy(
            curricularFaceLogits(cos, labels, { s, m: this.config.marginM, t }),
            labels,
          );
        }
        default:
          return marginCrossEntropy(this.margin!(cos, labels), labels);
      }
    });
  }

  dispose(): void {
    this.weight.dispose();
  }
}
