import type { Tensor } from '@tensorflow/tfjs-core';

import { MetricInputError } from '../verification/embeddings';

/** Class scores `[samples, classes]` (logits or probabilities): nested arrays or a `tf.Tensor2D`. */
export type ScoresInput = number[][] | Tensor;

/** Class ids `[samples]`: an array, a typed array or a rank-1 `tf.Tensor`. */
export type LabelsInput = ArrayLike<number> | Tensor;

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'dataSync' in x && 'shape' in x;
}

function readLabels(labels: LabelsInput, name: string): ArrayLike<number> {
  if (isTensor(labels)) {
    if (labels.shape.length !== 1)
      throw new MetricInputError(`${name}: expected a [samples] tensor, got [${labels.shape.join(', ')}]`);
    return labels.dataSync();
  }
  return labels;
}

function readScores(
  scores: ScoresInput,
  name: string,
): { rows: number; classes: number; at: (i: number, j: number) => number } {
  if (isTensor(scores)) {
    if (scores.shape.length !== 2)
      throw new MetricInputError(
        `${name}: expected a [samples, classes] tensor, got [${scores.shape.join(', ')}]`,
      );
    const [rows, classes] = scores.shape as [number, number];
    const data = scores.dataSync() as ArrayLike<number>;
    return { rows, classes, at: (i, j) => data[i * classes + j]! };
  }
  if (!Array.isArray(scores)) throw new MetricInputError(`${name}: expected number[][] or a tf.Tensor2D`);
  const classes = scores[0]?.length ?? 0;
  scores.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== classes) {
      throw new MetricInputError(`${name}: row ${i} has ${row?.length ?? 'no'} scores, expected ${classes}`);
    }
  });
  return { rows: scores.length, classes, at: (i, j) => scores[i]![j]! };
}

function checkLabel(value: number, index: number, classes: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= classes) {
    throw new MetricInputError(
      `${name}: label ${value} at index ${index} is not a class id in [0, ${classes})`,
    );
  }
}

/**
 * Share of samples whose true class is among the `k` highest scores. A class outranks the true class
 * when its score is higher, or equal with a lower class id (a stable descending sort), so ties never
 * count in the sample's favour.
 *
 * @param scores `[samples, classes]`.
 * @param labels `[samples]` class ids.
 * @param k default 1 (plain accuracy).
 * @returns a number in [0, 1].
 *
 * @example
 * topKAccuracy(logits, labels, 5); // top-5 accuracy
 */
export function topKAccuracy(scores: ScoresInput, labels: LabelsInput, k = 1): number {
  const s = readScores(scores, 'topKAccuracy');
  const y = readLabels(labels, 'topKAccuracy');
  if (y.length !== s.rows)
    throw new MetricInputError(`topKAccuracy: ${y.length} labels for ${s.rows} samples`);
  if (!Number.isInteger(k) || k < 1)
    throw new MetricInputError(`topKAccuracy: k must be a positive integer, got ${k}`);
  if (s.rows === 0) throw new MetricInputError('topKAccuracy: no samples');
  let hits = 0;
  for (let i = 0; i < s.rows; i++) {
    const label = y[i]!;
    checkLabel(label, i, s.classes, 'topKAccuracy');
    const target = s.at(i, label);
    let rank = 0;
    for (let j = 0; j < s.classes; j++) {
      const v = s.at(i, j);
      if (v > target || (v === target && j < label)) rank++;
    }
    if (rank < k) hits++;
  }
  return hits / s.rows;
}

/**
 * Classification accuracy: the share of samples whose prediction equals the label. `predictions` are class
 * ids `[samples]`, or scores `[samples, classes]` whose arg-max (first maximum) is the prediction.
 *
 * @example
 * accuracy([0, 2, 1], [0, 1, 1]); // 0.666…
 * accuracy(logitsTensor, labels);
 */
export function accuracy(predictions: LabelsInput | ScoresInput, labels: LabelsInput): number {
  const is2d = isTensor(predictions)
    ? predictions.shape.length === 2
    : Array.isArray(predictions) && Array.isArray(predictions[0]);
  if (is2d) return topKAccuracy(predictions as ScoresInput, labels, 1);
  const p = readLabels(predictions as LabelsInput, 'accuracy');
  const y = readLabels(labels, 'accuracy');
  if (p.length !== y.length)
    throw new MetricInputError(`accuracy: ${p.length} predictions for ${y.length} labels`);
  if (y.length === 0) throw new MetricInputError('accuracy: no samples');
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (p[i] === y[i]) hits++;
  return hits / y.length;
}

/**
 * Confusion matrix `[classes][classes]`: entry `[i][j]` counts samples of true class i predicted as j
 * (scikit-learn `confusion_matrix` convention: rows are the truth).
 *
 * @param predicted `[samples]` predicted class ids.
 * @param actual `[samples]` true class ids.
 * @param classes number of classes. Default: 1 + the largest id seen.
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 0, 1]); // [[1, 1], [0, 1]]
 */
export function confusionMatrix(predicted: LabelsInput, actual: LabelsInput, classes?: number): number[][] {
  const p = readLabels(predicted, 'confusionMatrix');
  const y = readLabels(actual, 'confusionMatrix');
  if (p.length !== y.length)
    throw new MetricInputError(`confusionMatrix: ${p.length} predictions for ${y.length} labels`);
  let n = classes;
  if (n === undefined) {
    n = 0;
    for (let i = 0; i < y.length; i++) n = Math.max(n, p[i]! + 1, y[i]! + 1);
  }
  if (!Number.isInteger(n) || n < 1)
    throw new MetricInputError(`confusionMatrix: classes must be a positive integer, got ${n}`);
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < y.length; i++) {
    checkLabel(y[i]!, i, n, 'confusionMatrix (actual)');
    checkLabel(p[i]!, i, n, 'confusionMatrix (predicted)');
    matrix[y[i]!]![p[i]!]!++;
  }
  return matrix;
}
