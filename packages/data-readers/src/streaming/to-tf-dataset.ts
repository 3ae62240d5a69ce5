import * as tfData from '@tensorflow/tfjs-data';
import type * as tf from '@tensorflow/tfjs-core';

import type { ImageBatchStream } from './image-batch-stream';

/**
 * Adapts one epoch of an {@link ImageBatchStream} to a `tf.data.Dataset` of `{ xs, ys }` batches, for
 * `model.fitDataset` (which disposes each batch after its step). Iterating the dataset again starts the next
 * epoch of the stream (epoch numbers count up from `firstEpoch`), so every pass has its own shuffle and flips.
 *
 * @param stream - the batch stream.
 * @param firstEpoch - epoch of the first iteration. Default 0.
 * @returns a dataset of `{ xs: [batch, h, w, c], ys: [batch] or [batch, classes] }`.
 *
 * @example
 * await model.fitDataset(toTfDataset(stream), { epochs: 10 });
 */
export function toTfDataset(
  stream: ImageBatchStream,
  firstEpoch = 0,
): tfData.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }> {
  let epoch = firstEpoch;
  return tfData.generator(() => {
    const batches = stream.epoch(epoch++);
    // tf.data awaits `next()`, so an async iterator works; strip the indices, which are not tensors.
    return {
      async next() {
        const result = await batches.next();
        if (result.done === true) return { done: true, value: undefined };
        return { done: false, value: { xs: result.value.xs, ys: result.value.ys } };
      },
    } as unknown as Iterator<{ xs: tf.Tensor; ys: tf.Tensor }>;
  });
}
