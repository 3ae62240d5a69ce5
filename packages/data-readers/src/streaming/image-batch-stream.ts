import * as tf from '@tensorflow/tfjs-core';
import { createRng, permutation } from '@frx/tensor-utils';

import type { ImagePreprocessSpec } from '../images/preprocess-image';

import { createInlineBatchDecoder, type BatchDecoder, type BatchSample } from './batch-decoder';
import type { ImageSampleSource } from './image-sample-source';

/** One training batch. The consumer owns (and must dispose) `xs` and `ys`. */
export interface ImageBatch {
  /** `[batch, height, width, channels]` float32. */
  xs: tf.Tensor4D;
  /** `[batch]` int32 labels, or `[batch, numClasses]` float32 one-hot when `numClasses` is set. */
  ys: tf.Tensor;
  /** Source indices of the samples, in batch order. */
  indices: Int32Array;
}

/** Options of {@link createImageBatchStream}. */
export interface ImageBatchStreamOptions extends ImagePreprocessSpec {
  /** Samples per batch. */
  batchSize: number;
  /** Shuffle every epoch with a seeded permutation. Default true. */
  shuffle?: boolean;
  /** Seed of shuffling and flipping; epoch `e` uses seed `"<seed>:<e>"`. Default 0. */
  seed?: number | string;
  /** Horizontal flip augmentation: `'random'` (probability ½ per sample, seeded) or `'none'`. Default `'none'`. */
  flip?: 'random' | 'none';
  /** Drop the last, smaller batch of an epoch. Default false. */
  dropRemainder?: boolean;
  /** Batches decoded ahead of the consumer (bounded; pixels are held as typed arrays, not tensors). Default 2. */
  prefetch?: number;
  /** Where decoding happens. Default {@link createInlineBatchDecoder}() on this thread. */
  decoder?: BatchDecoder;
  /** Emit one-hot `ys` of this many classes instead of int32 labels. */
  numClasses?: number;
}

/** An epoch-by-epoch batch iterator. */
export interface ImageBatchStream extends AsyncIterable<ImageBatch> {
  /** Batches per epoch. */
  readonly batchesPerEpoch: number;
  /** The batches of epoch `epoch` (0-based); iterating the stream itself gives epoch 0. */
  epoch(epoch: number): AsyncGenerator<ImageBatch, void, undefined>;
  /** Closes the decoder (worker threads). */
  close(): Promise<void>;
}

const OPTION_KEYS = [
  'batchSize',
  'shuffle',
  'seed',
  'flip',
  'dropRemainder',
  'prefetch',
  'decoder',
  'numClasses',
  'height',
  'width',
  'channels',
  'resize',
  'normalization',
];

interface PendingBatch {
  pixels: Float32Array;
  labels: Int32Array;
  indices: Int32Array;
}

/**
 * Streams a labelled image source as shuffled, decoded, augmented NHWC float32 batches — the input pipeline of
 * face-recognition and GAN training. Shuffling and flips come from a seeded RNG on the calling thread, so the
 * batches are identical whether decoding runs inline or in worker threads. Up to `prefetch` batches are decoded
 * ahead while the model trains; they are kept as typed arrays and become tensors only when yielded, so stopping
 * early leaks nothing. Every yielded batch belongs to the consumer, who disposes it.
 *
 * @param source - samples and labels ({@link arrayImageSource}, {@link cifar10Source}, `imageFolderSource`).
 * @param options - `batchSize`, `height`, `width`, and optionally `channels` (3), `resize` (`'bilinear'`),
 *   `normalization` (`'insightface'`), `shuffle` (true), `seed` (0), `flip` (`'none'`), `dropRemainder` (false),
 *   `prefetch` (2), `decoder` (inline), `numClasses`.
 * @returns a stream; `for await (const { xs, ys } of stream.epoch(e))`.
 *
 * @example
 * const stream = createImageBatchStream(imageFolderSource(train), {
 *   batchSize: 128, height: 112, width: 112, flip: 'random', decoder: await createWorkerBatchDecoder(),
 * });
 * for await (const { xs, ys } of stream.epoch(0)) {
 *   await step(xs, ys);
 *   tf.dispose([xs, ys]);
 * }
 */
export function createImageBatchStream(
  source: ImageSampleSource,
  options: ImageBatchStreamOptions,
): ImageBatchStream {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new TypeError(`createImageBatchStream: unknown option "${key}"`);
  }
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new RangeError(`createImageBatchStream: batchSize must be a positive integer, got ${batchSize}`);
  }
  const prefetch = options.prefetch ?? 2;
  if (!Number.isInteger(prefetch) || prefetch < 1)
    throw new RangeError(`createImageBatchStream: prefetch must be ≥ 1, got ${prefetch}`);
  if (options.numClasses !== undefined && (!Number.isInteger(options.numClasses) || options.numClasses < 1)) {
    throw new RangeError(
      `createImageBatchStream: numClasses must be a positive integer, got ${options.numClasses}`,
    );
  }
  const spec: ImagePreprocessSpec = {
    height: options.height,
    width: options.width,
    channels: options.channels ?? 3,
    resize: options.resize ?? 'bilinear',
    normalization: options.normalization ?? 'insightface',
  };
  const decoder = options.decoder ?? createInlineBatchDecoder();
  const channels = spec.channels!;
  const batchesPerEpoch = options.dropRemainder
    ? Math.floor(source.size / batchSize)
    : Math.ceil(source.size / batchSize);

  const loadBatch = async (indices: Int32Array, flips: boolean[]): Promise<PendingBatch> => {
    const samples: BatchSample[] = await Promise.all(
      Array.from(indices, async (index, k) => ({
        data: await source.read(index),
        flip: flips[k]!,
        file: source.describe?.(index) ?? `sample ${index}`,
      })),
    );
    const labels = Int32Array.from(indices, (index) => source.label(index));
    const pixels = await decoder.decodeBatch(samples, spec);
    return { pixels, labels, indices };
  };

  async function* epoch(epochIndex: number): AsyncGenerator<ImageBatch, void, undefined> {
    if (!Number.isInteger(epochIndex) || epochIndex < 0)
      throw new RangeError(`epoch must be a non-negative integer, got ${epochIndex}`);
    const rng = createRng(`${String(options.seed ?? 0)}:${epochIndex}`);
    const order =
      options.shuffle === false
        ? Int32Array.from({ length: source.size }, (_, i) => i)
        : permutation(source.size, rng);
    const flips = Array.from({ length: source.size }, () => options.flip === 'random' && rng.next() < 0.5);
    let next = 0;
    const pending: Promise<PendingBatch>[] = [];
    const enqueue = () => {
      if (next >= batchesPerEpoch) return;
      const start = next * batchSize;
      const indices = order.subarray(start, Math.min(start + batchSize, source.size));
      const promise = loadBatch(indices, flips.slice(start, start + indices.length));
      // A batch abandoned by an early `break` must not surface as an unhandled rejection.
      promise.catch(() => undefined);
      pending.push(promise);
      next++;
    };
    for (let i = 0; i < prefetch; i++) enqueue();
    while (pending.length > 0) {
      const batch = await pending.shift()!;
      enqueue();
      const n = batch.indices.length;
      const xs = tf.tensor4d(batch.pixels, [n, spec.height, spec.width, channels], 'float32');
      const ys =
        options.numClasses === undefined
          ? tf.tensor1d(batch.labels, 'int32')
          : tf.tidy(() =>
              tf.cast(tf.oneHot(tf.tensor1d(batch.labels, 'int32'), options.numClasses!), 'float32'),
            );
      yield { xs, ys, indices: batch.indices };
    }
  }

  return {
    batchesPerEpoch,
    epoch,
    [Symbol.asyncIterator]: () => epoch(0),
    close: () => decoder.close(),
  };
}
