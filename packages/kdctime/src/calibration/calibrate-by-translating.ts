import * as tf from '@tensorflow/tfjs-core';

import { numberInRange, rejectUnknownOptions } from '../internal/validate';
import { argmaxRows, checkPair } from './rows';

/**
 * The KDCT step length: 0.7071 ≈ √2/2, the smallest distance from a misclassified distribution to the one-hot vertex
 * of its true class, so the translated target never overshoots (KDCTime code, `Loss.py`).
 */
export const KDCT_TRANSLATION_DISTANCE = 0.7071;

/** Options of {@link calibrateByTranslating}. */
export interface CalibrateByTranslatingOptions {
  /** Euclidean step towards the one-hot vertex. Default {@link KDCT_TRANSLATION_DISTANCE}. */
  distance?: number;
  /** Extra factor γ on the step (the older `Student_KDC.py` variant). Default 1. */
  gamma?: number;
}

/**
 * KDCT calibration by translating: for every sample the teacher gets wrong (argmax of q ≠ y, ties to the first index),
 * move its distribution q along the straight line to the one-hot vertex e_y by a fixed distance:
 * `q′ = q + γ · 0.7071 · (e_y − q) / ‖e_y − q‖₂`; correctly classified samples keep q. The result is still a
 * probability distribution (see the reference notes' proof) and points (weakly) to the true class.
 *
 * @param teacherProbabilities - teacher softmax outputs `[batch, classes]`.
 * @param labels - one-hot labels `[batch, classes]`.
 * @param options - `distance` (default 0.7071), `gamma` (default 1).
 * @returns calibrated targets `[batch, classes]`.
 *
 * @example
 * calibrateByTranslating(tf.tensor2d([[0.2, 0.5, 0.3]]), tf.tensor2d([[1, 0, 0]])); // [[0.771423, 0.142861, 0.085716]]
 *
 * @see Gong et al., "KDCTime: Knowledge distillation with calibration on InceptionTime for time-series
 *   classification", Information Sciences 613 (2022), arXiv 2112.02291.
 */
export function calibrateByTranslating(
  teacherProbabilities: tf.Tensor2D,
  labels: tf.Tensor2D,
  options: CalibrateByTranslatingOptions = {},
): tf.Tensor2D {
  rejectUnknownOptions('calibrateByTranslating', options, ['distance', 'gamma']);
  const distance = numberInRange(
    'calibrateByTranslating',
    'distance',
    options.distance,
    KDCT_TRANSLATION_DISTANCE,
    0,
    2,
  );
  const gamma = numberInRange('calibrateByTranslating', 'gamma', options.gamma, 1, 0, 10);
  const [batch, classes] = checkPair('calibrateByTranslating', teacherProbabilities, labels);
  const q = teacherProbabilities.dataSync();
  const truth = argmaxRows(labels.dataSync(), batch, classes);
  const predicted = argmaxRows(q, batch, classes);
  const out = new Float32Array(q.length);
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
    const y = truth[b]!;
    if (predicted[b] === y) {
      for (let k = 0; k < classes; k++) out[row + k] = q[row + k]!;
      continue;
    }
    let norm = 0;
    for (let k = 0; k < classes; k++) {
      const diff = (k === y ? 1 : 0) - q[row + k]!;
      norm += diff * diff;
    }
    const step = (gamma * distance) / Math.sqrt(norm);
    for (let k = 0; k < classes; k++) {
      const qk = q[row + k]!;
      out[row + k] = qk + step * ((k === y ? 1 : 0) - qk);
    }
  }
  return tf.tensor2d(out, [batch, classes]);
}
