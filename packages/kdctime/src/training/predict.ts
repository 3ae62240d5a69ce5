import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import type { SeriesMatrix } from '../rocket/series-matrix';

/**
 * Logits of a model on host-held series, in batches (inference mode: batch normalisation uses its moving averages).
 *
 * @param model - logits model.
 * @param series - `[cases, length, channels]`.
 * @param batchSize - series per forward pass. Default 256.
 * @returns logits `[cases, classes]`; the caller disposes it.
 *
 * @example
 * const logits = predictLogits(teacher, test); // [900, 3]
 */
export function predictLogits(model: tfl.LayersModel, series: SeriesMatrix, batchSize = 256): tf.Tensor2D {
  const [cases, length, channels] = series.shape;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`predictLogits: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (series.values.length !== cases * length * channels) {
    throw new RangeError(
      `predictLogits: values length ${series.values.length} does not match shape [${series.shape.join(', ')}]`,
    );
  }
  const values = Float32Array.from(series.values);
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let from = 0; from < cases; from += batchSize) {
      const size = Math.min(batchSize, cases - from);
      const x = tf.tensor3d(values.subarray(from * length * channels, (from + size) * length * channels), [
        size,
        length,
        channels,
      ]);
      parts.push(model.apply(x, { training: false }) as tf.Tensor2D);
    }
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
}

/**
 * Class probabilities of one model or the average of an ensemble's softmax outputs (InceptionTime = the mean of
 * 5 networks' probabilities, hfawaz/InceptionTime `classifiers/nne.py`).
 *
 * @param models - one model or several (same classes).
 * @param series - `[cases, length, channels]`.
 * @param batchSize - series per forward pass. Default 256.
 * @returns probabilities `[cases, classes]`; the caller disposes it.
 *
 * @example
 * const probabilities = predictProbabilities([net1, net2, net3, net4, net5], test);
 */
export function predictProbabilities(
  models: tfl.LayersModel | readonly tfl.LayersModel[],
  series: SeriesMatrix,
  batchSize = 256,
): tf.Tensor2D {
  const list = Array.isArray(models) ? (models as readonly tfl.LayersModel[]) : [models as tfl.LayersModel];
  if (list.length === 0) throw new RangeError('predictProbabilities: no models');
  return tf.tidy(() => {
    const probabilities = list.map((m) => tf.softmax(predictLogits(m, series, batchSize)));
    return tf.div<tf.Tensor2D>(tf.addN(probabilities), list.length);
  });
}

/**
 * Accuracy of predictions (row argmax, first index on ties) against class codes.
 *
 * @param scores - probabilities or logits `[cases, classes]`.
 * @param codes - true class codes `[cases]`.
 * @returns the fraction of correct rows.
 *
 * @example
 * accuracy(tf.tensor2d([[0.9, 0.1], [0.2, 0.8]]), [0, 0]); // 0.5
 */
export function accuracy(scores: tf.Tensor2D, codes: ArrayLike<number>): number {
  const [cases, classes] = scores.shape;
  if (codes.length !== cases) throw new RangeError(`accuracy: ${codes.length} codes for ${cases} rows`);
  const values = scores.dataSync();
  let correct = 0;
  for (let i = 0; i < cases; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (values[i * classes + k]! > values[i * classes + best]!) best = k;
    if (best === codes[i]) correct++;
  }
  return cases === 0 ? 0 : correct / cases;
}
