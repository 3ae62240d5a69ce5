import * as tf from '@tensorflow/tfjs-core';

import { argmaxRows, checkPair } from './rows';

/**
 * KDCR calibration by reordering: for every sample the teacher gets wrong, sort its logits in decreasing order
 * (classes c₀, c₁, …, with the true class y at rank r), shift the values of c₀ … c_{r−1} one rank down and give y the
 * old top value. The multiset of logits is kept, y becomes the largest and the other classes keep their order.
 * Correctly classified samples are unchanged.
 *
 * @param teacherLogits - teacher logits `[batch, classes]`.
 * @param labels - one-hot labels `[batch, classes]`.
 * @returns reordered logits `[batch, classes]` (soften with `softmax(z / T)` for the distillation targets).
 *
 * @example
 * calibrateByReordering(tf.tensor2d([[1, 3, 2, 0.5]]), tf.tensor2d([[0, 0, 1, 0]])); // [[1, 2, 3, 0.5]]
 *
 * @see Gong et al., "KDCTime", arXiv 2112.02291 (KDCR).
 */
export function calibrateByReordering(teacherLogits: tf.Tensor2D, labels: tf.Tensor2D): tf.Tensor2D {
  const [batch, classes] = checkPair('calibrateByReordering', teacherLogits, labels);
  const z = teacherLogits.dataSync();
  const truth = argmaxRows(labels.dataSync(), batch, classes);
  const predicted = argmaxRows(z, batch, classes);
  const out = Float32Array.from(z);
  const order = new Array<number>(classes);
  for (let b = 0; b < batch; b++) {
    const y = truth[b]!;
    if (predicted[b] === y) continue;
    const row = b * classes;
    for (let k = 0; k < classes; k++) order[k] = k;
    // Stable: equal logits keep their class order.
    order.sort((i, j) => z[row + j]! - z[row + i]! || i - j);
    const rank = order.indexOf(y);
    for (let j = 0; j < rank; j++) out[row + order[j]!] = z[row + order[j + 1]!]!;
    out[row + y] = z[row + order[0]!]!;
  }
  return tf.tensor2d(out, [batch, classes]);
}
