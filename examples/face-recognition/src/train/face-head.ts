import * as tf from '@tensorflow/tfjs-core';

import {
  arcFaceLogits,
  combinedMarginLogits,
  cosFaceLogits,
  cosineLogits,
  marginCrossEntropy,
  normFaceLogits,
  samplePartialFCClasses,
  x2SoftmaxLogits,
  CLASS_CENTER_INIT_STDDEV,
  type MarginFunction,
} from '@frx/margin-losses';
import { createRng, randomNormalTensor, type Rng } from '@frx/tensor-utils';

import type { FaceConfig } from '../config/face-config';

/** The head fields of a {@link FaceConfig}. */
export type HeadConfig = Pick<
  FaceConfig,
  'margin' | 'scale' | 'marginM' | 'marginM1' | 'marginM3' | 'sampleRate'
>;

/**
 * The margin function a config names, as `(cos [batch, classes], labels [batch]) → logits`:
 * X2-Softmax (a = −0.9, h = 0, k = 0.65, Xu et al. 2023), ArcFace (Deng et al. 2019), CosFace (Wang et al.
 * 2018), the combined margin (m1, m2, m3) of insightface, NormFace (Wang et al. 2017), all with scale `s`.
 */
export function marginFunction(config: HeadConfig): MarginFunction {
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
 * The classification head of face-recognition training: class centres `W: [classes, embedding]` ~
 * N(0, 0.01) (arcface_torch `PartialFC_V2`), cosine logits clamped to [−1, 1], a margin, and
 * cross-entropy. Unlike `PartialFC` of `@frx/margin-losses`, `W` is an ordinary trainable variable, so the
 * run's optimizer (and therefore its learning-rate schedule, momentum and weight decay) updates it together
 * with the backbone, as arcface_torch does with its single parameter list. Partial FC v2 sampling (An et al.
 * 2022): every class in the batch plus uniformly drawn others, `⌊rate·C⌋` in total; the gradient of the
 * gathered rows is scattered back densely, as in PyTorch.
 */
export class FaceHead {
  readonly weight: tf.Variable<tf.Rank.R2>;
  private readonly margin: MarginFunction;

  constructor(
    readonly numClasses: number,
    readonly embeddingSize: number,
    readonly config: HeadConfig,
    seed: number,
  ) {
    this.margin = marginFunction(config);
    this.weight = tf.tidy(() =>
      tf.variable(
        randomNormalTensor([numClasses, embeddingSize], createRng(`${seed}:head`), {
          stddev: CLASS_CENTER_INIT_STDDEV,
        }) as tf.Tensor2D,
        true,
        `face_head/weight_${headCount++}`,
      ),
    );
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

  /**
   * Mean margin cross-entropy of a batch.
   *
   * @param embeddings `[batch, embedding]` backbone outputs.
   * @param sample From {@link FaceHead.sample}.
   */
  loss(embeddings: tf.Tensor2D, sample: ClassSample): tf.Scalar {
    return tf.tidy(() => {
      const centres =
        sample.index === null ? this.weight : tf.gather(this.weight, tf.tensor1d(sample.index, 'int32'));
      const labels = tf.tensor1d(sample.labels, 'int32');
      return marginCrossEntropy(this.margin(cosineLogits(embeddings, centres), labels), labels);
    });
  }

  dispose(): void {
    this.weight.dispose();
  }
}
