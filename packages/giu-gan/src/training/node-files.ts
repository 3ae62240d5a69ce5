import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import type * as tf from '@tensorflow/tfjs-core';
import { encodePngRgba } from '@frx/tensor-utils';

import { imageGrid, type ImageGridOptions } from '../image/image-grid';
import { GanOptionError } from '../internal/validate';
import type { GanCheckpoint } from './gan-trainer';

/**
 * Writes a batch of images as one PNG sample sheet (creating the folder), deflate-compressed
 * (`encodePngRgba` of `@frx/tensor-utils`): 56-63 % of the size of `encodePng`'s stored blocks for the 8×8
 * grids of 32×32 CIFAR-10 samples of the example's runs.
 *
 * @param images `[count, h, w, 1 | 3]` in `options.range` (default [−1, 1]); not disposed.
 * @example
 * const samples = trainer.sample(fixedZ);
 * await writeSampleGrid('runs/giu/samples/step-000500.png', samples, { columns: 8 });
 * samples.dispose();
 */
export async function writeSampleGrid(
  path: string,
  images: tf.Tensor4D,
  options: ImageGridOptions = {},
): Promise<void> {
  const png = await encodePngRgba(await imageGrid(images, options));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, png);
}

/** Saves a checkpoint as JSON, atomically (temporary file then rename). */
export async function saveGanCheckpoint(path: string, checkpoint: GanCheckpoint): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(checkpoint));
  await rename(tmp, path);
}

/** Reads a checkpoint written by {@link saveGanCheckpoint}. @throws GanOptionError naming the file. */
export async function loadGanCheckpoint(path: string): Promise<GanCheckpoint> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GanOptionError(`loadGanCheckpoint: ${path} is not valid JSON (${(error as Error).message})`);
  }
  if ((parsed as GanCheckpoint | null)?.format !== 'frx-gan-checkpoint') {
    throw new GanOptionError(`loadGanCheckpoint: ${path} is not an frx-gan-checkpoint`);
  }
  return parsed as GanCheckpoint;
}

/** Appends JSON records, one per line. */
export interface JsonlWriter {
  write(record: Record<string, unknown>): Promise<void>;
}

/** A JSONL log file (appends; creates the folder). @example await log.write({ step, lossD, lossG }); */
export function createJsonlWriter(path: string): JsonlWriter {
  let ready: Promise<unknown> | null = null;
  return {
    async write(record) {
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      await appendFile(path, `${JSON.stringify(record)}\n`);
    },
  };
}
