import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';

import { extractFeatures, type FeatureExtractor } from './feature-extractor';
import { createNsfwjsInceptionExtractor, NSFWJS_INCEPTION_NAME } from './nsfwjs-inception-extractor';

describe('createNsfwjsInceptionExtractor (offline InceptionV3 from the nsfwjs npm package)', () => {
  let extractor: FeatureExtractor;
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
    extractor = await createNsfwjsInceptionExtractor();
  });
  afterAll(() => extractor?.dispose());

  it('loads offline and returns 2048-d non-negative pool features, leaving no tensors behind', async () => {
    expect(extractor.name).toBe(NSFWJS_INCEPTION_NAME);
    expect(extractor.dim).toBe(2048);
    const images = tf.tidy(() =>
      tf.concat<tf.Tensor4D>([
        tf.zeros([1, 32, 32, 3]),
        tf.ones([1, 32, 32, 3]),
        tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 3),
      ]),
    );
    const before = tf.memory().numTensors;
    const start = performance.now();
    const features = await extractFeatures(extractor, images, { batchSize: 2 });
    console.log(
      JSON.stringify({ figure: 'nsfwjs-inception-ms-per-image', value: (performance.now() - start) / 3 }),
    );
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    expect(features.rows).toBe(3);
    const rows = [0, 1, 2].map((r) => Array.from(features.data.subarray(r * 2048, (r + 1) * 2048)));
    // After ReLU and average pooling the features are >= 0, finite, and differ between images.
    for (const row of rows) {
      expect(row.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      expect(row.some((v) => v > 0)).toBe(true);
    }
    const diff = rows[0]!.reduce((s, v, i) => s + Math.abs(v - rows[1]![i]!), 0);
    expect(diff).toBeGreaterThan(1);
  });

  it('is deterministic (same image, same features)', async () => {
    const image = tf.fill<tf.Rank.R4>([1, 40, 40, 3], 0.25);
    const a = await extractFeatures(extractor, image);
    const b = await extractFeatures(extractor, image);
    image.dispose();
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});
