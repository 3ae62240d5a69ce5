import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import type { GanTrainer } from '@frx/giu-gan';
import {
  extractFeatures,
  type FeatureExtractor,
  type FeatureMatrix,
  frechetInceptionDistance,
  kernelInceptionDistance,
} from '@frx/metrics';
import { createRng, randomNormalTensor } from '@frx/tensor-utils';

import { batchTensor, type ImageSet } from './image-data';

/** Images per extractor forward pass. */
const EXTRACT_BATCH = 16;

/** Features of `n` seeded real images, cached in `cacheFile` (+ `.json` sidecar) when given. */
export async function realFeatures(
  extractor: FeatureExtractor,
  set: ImageSet,
  n: number,
  seed: number,
  cacheFile: string | undefined,
): Promise<FeatureMatrix> {
  const meta = {
    extractor: extractor.name,
    rows: Math.min(n, set.count),
    dim: extractor.dim,
    source: set.source,
    seed,
  };
  if (cacheFile) {
    try {
      const saved = JSON.parse(await readFile(`${cacheFile}.json`, 'utf8')) as typeof meta;
      if (JSON.stringify(saved) === JSON.stringify(meta)) {
        const bytes = await readFile(cacheFile);
        if (bytes.byteLength !== meta.rows * meta.dim * 4) throw new Error('truncated cache');
        const data = new Float32Array(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        );
        return { rows: meta.rows, dim: meta.dim, data };
      }
    } catch {
      // No usable cache: compute below.
    }
  }
  const rng = createRng(seed);
  const order = Array.from({ length: set.count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const chosen = order.slice(0, meta.rows);
  function* batches() {
    for (let i = 0; i < chosen.length; i += EXTRACT_BATCH) {
      const batch = batchTensor(set, chosen.slice(i, i + EXTRACT_BATCH), 0, 1);
      try {
        yield batch;
      } finally {
        batch.dispose();
      }
    }
  }
  const features = await extractFeatures(extractor, batches(), { batchSize: EXTRACT_BATCH });
  if (cacheFile) {
    // Written under temporary names and renamed, so that runs sharing the cache (several arms at once)
    // never read a half-written file.
    await mkdir(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(
      tmp,
      new Uint8Array(features.data.buffer, features.data.byteOffset, features.data.byteLength),
    );
    await rename(tmp, cacheFile);
    await writeFile(`${tmp}.json`, JSON.stringify(meta));
    await rename(`${tmp}.json`, `${cacheFile}.json`);
  }
  return features;
}

/** FID and KID of `n` images from the trainer's EMA generator (fixed evaluation latents) against `real`. */
export async function evaluateGenerator(
  trainer: GanTrainer,
  extractor: FeatureExtractor,
  real: FeatureMatrix,
  n: number,
  seed: number,
): Promise<{ fid: number; kid: number; kidStd: number; n: number; ms: number }> {
  const start = performance.now();
  const rng = createRng(`eval-${seed}`);
  function* batches() {
    for (let i = 0; i < n; i += EXTRACT_BATCH) {
      const z = randomNormalTensor([Math.min(EXTRACT_BATCH, n - i), trainer.latentDim], rng) as tf.Tensor2D;
      const images = trainer.sample(z);
      z.dispose();
      const scaled = tf.tidy(() => tf.div<tf.Tensor4D>(tf.add(tf.clipByValue(images, -1, 1), 1), 2));
      images.dispose();
      try {
        yield scaled;
      } finally {
        scaled.dispose();
      }
    }
  }
  const fake = await extractFeatures(extractor, batches(), { batchSize: EXTRACT_BATCH });
  const fid = frechetInceptionDistance(real, fake);
  const kid = kernelInceptionDistance(real, fake, { subsets: 100, subsetSize: 1000, seed });
  return { fid, kid: kid.mean, kidStd: kid.std, n, ms: performance.now() - start };
}
