import * as tf from '@tensorflow/tfjs-core';

import { arcFaceLogits, type ArcFaceOptions } from './arc-face';
import { checkOptionKeys, MarginOptionError } from './shared';

/** Options of {@link subCenterArcFaceLogits}: ArcFace's plus the number of sub-centres. */
export interface SubCenterArcFaceOptions extends ArcFaceOptions {
  /** Sub-centres per class K. Default 3 (Sub-center ArcFace, pytorch-metric-learning). */
  subCenters?: number;
}

/**
 * Sub-center ArcFace: each class has K sub-centres; the class cosine is the maximum over its sub-centres,
 * then ArcFace (Deng et al., "Sub-center ArcFace", ECCV 2020; insightface `recognition/subcenter_arcface`,
 * pytorch-metric-learning `SubCenterArcFaceLoss`). Column `c·K + k` of `cos` is sub-centre k of class c
 * (the `[classes, K]` reshape of both originals).
 *
 * @param cos `[batch, classes·K]` cosines to every sub-centre, already clamped to [-1, 1].
 * @param labels `[batch]` int32 class ids in [0, classes); -1 rows get no margin.
 * @param options `subCenters` (3) and ArcFace's `s` (64), `m` (0.5), `gradient` (`'straightThrough'`), `easyMargin` (false).
 * @returns `[batch, classes]` scaled logits.
 *
 * @example
 * const logits = subCenterArcFaceLogits(cos, labels, { subCenters: 3 }); // cos: [batch, 3 * classes]
 */
export function subCenterArcFaceLogits(
  cos: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: SubCenterArcFaceOptions = {},
): tf.Tensor2D {
  const fn = 'subCenterArcFaceLogits';
  checkOptionKeys(fn, options, ['subCenters', 's', 'm', 'gradient', 'easyMargin']);
  const { subCenters = 3, ...arcFace } = options;
  if (!Number.isInteger(subCenters) || subCenters < 1) {
    throw new MarginOptionError(`${fn}: option 'subCenters' must be an integer >= 1, got ${subCenters}`);
  }
  if (!(cos instanceof tf.Tensor) || cos.rank !== 2 || cos.shape[1] % subCenters !== 0) {
    throw new MarginOptionError(
      `${fn}: cos must be [batch, classes * ${subCenters}], got shape [${cos?.shape?.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const [batch, columns] = cos.shape;
    const classCos = tf.max<tf.Tensor2D>(tf.reshape(cos, [batch, columns / subCenters, subCenters]), 2);
    return arcFaceLogits(classCos, labels, arcFace);
  });
}
