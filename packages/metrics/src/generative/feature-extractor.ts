import type * as tf from '@tensorflow/tfjs-core';

import { type FeatureMatrix, GenerativeMetricError } from './feature-matrix';
import { isTensor, loadTfjsCore } from './tfjs-core';

/**
 * A pluggable image feature extractor for FID / KID (pool features) or IS (class probabilities).
 * Every reported score must name the extractor it came from: scores from different extractors are not comparable.
 */
export interface FeatureExtractor {
  /** Identifies the network and layer, e.g. `'nsfwjs-inception-v3/flatten_1'`; print it with every score. */
  readonly name: string;
  /** Feature dimension. */
  readonly dim: number;
  /**
   * Features of a batch, synchronously (called inside `tf.tidy`).
   * @param images `[batch, height, width, 3]`, float32 RGB in [0, 1], any size (the extractor resizes).
   * @returns `[batch, dim]`.
   */
  extract(images: tf.Tensor4D): tf.Tensor2D;
  /** Frees the extractor's weights. */
  dispose(): void;
}

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions {
  /** Images per forward pass. Default `32`. */
  batchSize?: number;
  /** Called after each batch with the number of images done. */
  onProgress?: (done: number) => void;
}

/**
 * Runs an extractor over images given as one tensor or as a (possibly async) sequence of batches and
 * collects the features. Input batches are not disposed.
 *
 * @param images `[n, h, w, 3]` in [0, 1], or an iterable of such batches.
 * @returns the features `[n, dim]` as a float32 {@link FeatureMatrix}.
 * @example
 * const features = await extractFeatures(extractor, images01, { batchSize: 16 });
 * const fid = frechetInceptionDistance(realFeatures, features);
 */
export async function extractFeatures(
  extractor: FeatureExtractor,
  images: tf.Tensor4D | Iterable<tf.Tensor4D> | AsyncIterable<tf.Tensor4D>,
  options: ExtractFeaturesOptions = {},
): Promise<FeatureMatrix> {
  for (const key of Object.keys(options)) {
    if (key !== 'batchSize' && key !== 'onProgress')
      throw new GenerativeMetricError(`extractFeatures: unknown option '${key}'`);
  }
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new GenerativeMetricError(
      `extractFeatures: batchSize must be a positive integer, got ${batchSize}`,
    );
  const tf = await loadTfjsCore('extractFeatures');
  const chunks: Float32Array[] = [];
  let rows = 0;
  const run = async (batch: tf.Tensor4D) => {
    if (batch.rank !== 4 || batch.shape[3] !== 3) {
      throw new GenerativeMetricError(
        `extractFeatures: expected [batch, h, w, 3] images, got [${batch.shape.join(', ')}]`,
      );
    }
    for (let start = 0; start < batch.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, batch.shape[0] - start);
      const features = tf.tidy(() =>
        extractor.extract(tf.slice(batch, [start, 0, 0, 0], [size, -1, -1, -1])),
      );
      if (features.shape[1] !== extractor.dim) {
        features.dispose();
        throw new GenerativeMetricError(
          `extractFeatures: ${extractor.name} returned ${features.shape[1]} features, declared ${extractor.dim}`,
        );
      }
      chunks.push((await features.data()) as Float32Array);
      features.dispose();
      rows += size;
      options.onProgress?.(rows);
    }
  };
  if (isTensor(images)) await run(images);
  else for await (const batch of images) await run(batch);
  const data = new Float32Array(rows * extractor.dim);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  return { rows, dim: extractor.dim, data };
}
