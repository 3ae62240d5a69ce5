import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { cropOrPad, decodeImage, resizeBilinear, toRgb } from '@frx/data-readers';
import { IMAGE_EXTENSIONS, listImageFolder, loadCifar10 } from '@frx/data-readers/node';
import { createRng, type Rng } from '@frx/tensor-utils';

/** Training images held in memory as NHWC uint8. */
export interface ImageSet {
  count: number;
  size: number;
  /** `count · size · size · 3` bytes. */
  pixels: Uint8Array;
  /** Where they came from, for logs. */
  source: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Finds the format of a data folder: CIFAR binary batches, class sub-folders, or flat images. */
export async function detectFormat(dir: string): Promise<'cifar-binary' | 'cifar-folder' | 'image-folder'> {
  if ((await exists(join(dir, 'data_batch_1.bin'))) || (await exists(join(dir, 'cifar-10-batches-bin'))))
    return 'cifar-binary';
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.some((e) => e.isDirectory() && !e.name.startsWith('.'))) return 'cifar-folder';
  return 'image-folder';
}

function fit(bytes: Uint8Array, file: string, size: number, crop: number | null) {
  let image = toRgb(decodeImage(bytes, { file }));
  if (crop !== null) {
    const side = Math.min(crop, image.width, image.height);
    image = cropOrPad(image, side, side);
  }
  return resizeBilinear(image, size, size);
}

/**
 * Loads up to `limit` images (0 = all) resized to `size`×`size`: CIFAR-10 binary batches (train split),
 * a class-per-folder JPEG/PNG tree, or a flat folder (CelebA, centre-cropped to `crop` first).
 */
export async function loadImageSet(
  dir: string,
  format: 'auto' | 'cifar-folder' | 'cifar-binary' | 'image-folder',
  size: number,
  limit: number,
  crop: number,
  rng: Rng,
): Promise<ImageSet> {
  const kind = format === 'auto' ? await detectFormat(dir) : format;
  if (kind === 'cifar-binary') {
    const { train } = await loadCifar10(dir);
    const count = limit > 0 ? Math.min(limit, train.count) : train.count;
    if (size !== 32) throw new Error(`CIFAR-10 binary batches are 32x32; use --resolution 32 (got ${size})`);
    return {
      count,
      size,
      pixels: train.images.slice(0, count * 32 * 32 * 3),
      source: `${dir} (CIFAR-10 binary, train)`,
    };
  }
  let files: string[];
  if (kind === 'cifar-folder') {
    files = (await listImageFolder(dir)).entries.map((e) => e.path);
  } else {
    const accepted = new Set(IMAGE_EXTENSIONS.map((e) => e.toLowerCase()));
    files = (await readdir(dir))
      .filter((name) => accepted.has(name.split('.').pop()?.toLowerCase() ?? ''))
      .sort()
      .map((name) => join(dir, name));
  }
  if (files.length === 0) throw new Error(`No images found in ${dir}`);
  // A seeded subset, so that --limit draws from every class of a class-sorted tree.
  for (let i = files.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [files[i], files[j]] = [files[j]!, files[i]!];
  }
  const count = limit > 0 ? Math.min(limit, files.length) : files.length;
  const pixels = new Uint8Array(count * size * size * 3);
  for (let i = 0; i < count; i++) {
    const file = files[i]!;
    const image = fit(await readFile(file), file, size, kind === 'image-folder' ? crop : null);
    pixels.set(image.data, i * size * size * 3);
  }
  return { count, size, pixels, source: `${dir} (${kind}, ${count} of ${files.length} images)` };
}

/** A batch `[n, size, size, 3]` of the given indices scaled to `[lo, hi]` (GAN: [−1, 1]; extractors: [0, 1]). */
export function batchTensor(set: ImageSet, indices: number[], lo = -1, hi = 1): tf.Tensor4D {
  const stride = set.size * set.size * 3;
  const values = new Float32Array(indices.length * stride);
  const scale = (hi - lo) / 255;
  indices.forEach((index, b) => {
    const src = set.pixels.subarray(index * stride, (index + 1) * stride);
    for (let k = 0; k < stride; k++) values[b * stride + k] = lo + src[k]! * scale;
  });
  return tf.tensor4d(values, [indices.length, set.size, set.size, 3]);
}

/**
 * An endless sequence of shuffled batches: epoch e visits the images in the permutation drawn by
 * `createRng(\`${seed}-epoch-${e}\`)`, in `⌊count / batchSize⌋` batches (the last partial batch is dropped).
 * The sequence is a pure function of the batch index, so a resumed run passes `start` (the batches already
 * drawn) and continues with exactly the batches an uninterrupted run would draw.
 */
export function batchSampler(
  count: number,
  batchSize: number,
  seed: number | string,
  start = 0,
): () => number[] {
  if (batchSize > count) throw new Error(`--batch-size ${batchSize} is larger than the ${count} images`);
  if (!Number.isSafeInteger(start) || start < 0)
    throw new Error(`batchSampler: start must be an integer >= 0, got ${start}`);
  const perEpoch = Math.floor(count / batchSize);
  let next = start;
  let epoch = -1;
  let order: number[] = [];
  return () => {
    const e = Math.floor(next / perEpoch);
    if (e !== epoch) {
      const rng = createRng(`${seed}-epoch-${e}`);
      order = Array.from({ length: count }, (_, i) => i);
      for (let i = count - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      epoch = e;
    }
    const position = (next % perEpoch) * batchSize;
    next += 1;
    return order.slice(position, position + batchSize);
  };
}
