import type * as tf from '@tensorflow/tfjs-core';

/** Checks that two `[batch, classes]` tensors match and returns the shape. */
export function checkPair(owner: string, a: tf.Tensor2D, labels: tf.Tensor2D): [number, number] {
  if (a.rank !== 2 || labels.rank !== 2 || a.shape[0] !== labels.shape[0] || a.shape[1] !== labels.shape[1]) {
    throw new RangeError(
      `${owner}: teacher outputs [${a.shape.join(', ')}] and one-hot labels [${labels.shape.join(', ')}] must both be [batch, classes]`,
    );
  }
  return [a.shape[0], a.shape[1]];
}

/** Index of the largest value of each row (the first one on ties, as `torch.argmax`). */
export function argmaxRows(values: ArrayLike<number>, rows: number, columns: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < columns; c++) if (values[r * columns + c]! > values[r * columns + best]!) best = c;
    out[r] = best;
  }
  return out;
}
