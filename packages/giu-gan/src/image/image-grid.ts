import type * as tf from '@tensorflow/tfjs-core';

import { GanOptionError, positiveInt } from '../internal/validate';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row. Default `ceil(sqrt(count))`. */
  columns?: number;
  /** Pixels between images (filled with `padValue`). Default `2`. */
  padding?: number;
  /** Pad value in the input range. Default `1` (white for [−1, 1] images). */
  padValue?: number;
  /** Input value range mapped to 0…255. Default `[-1, 1]` (tanh generators). */
  range?: [number, number];
}

/** An 8-bit RGBA raster. */
export interface RgbaImage {
  width: number;
  height: number;
  /** `width·height·4` bytes, row-major. */
  data: Uint8Array;
}

/**
 * Tiles a batch of images into one RGBA raster (like torchvision `make_grid`), for sample sheets.
 *
 * @param images `[count, height, width, 1 | 3]`, values in `range`.
 * @example
 * const grid = await imageGrid(trainer.sample(64), { columns: 8 });
 * const png = encodePng(grid);
 */
export async function imageGrid(images: tf.Tensor4D, options: ImageGridOptions = {}): Promise<RgbaImage> {
  const [count, h, w, c] = images.shape;
  if (c !== 1 && c !== 3) throw new GanOptionError(`imageGrid: images must have 1 or 3 channels, got ${c}`);
  const columns = positiveInt('imageGrid', 'columns', options.columns ?? Math.ceil(Math.sqrt(count)));
  const pad = options.padding ?? 2;
  if (!Number.isInteger(pad) || pad < 0)
    throw new GanOptionError(`imageGrid: padding must be an integer >= 0, got ${pad}`);
  const [lo, hi] = options.range ?? [-1, 1];
  if (!(hi > lo)) throw new GanOptionError(`imageGrid: range [${lo}, ${hi}] is empty`);
  const rows = Math.ceil(count / columns);
  const width = columns * w + (columns + 1) * pad;
  const height = rows * h + (rows + 1) * pad;
  const toByte = (v: number) => Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255)));
  const padByte = toByte(options.padValue ?? hi);
  const data = new Uint8Array(width * height * 4).fill(padByte);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  const values = await images.data();
  for (let n = 0; n < count; n++) {
    const x0 = pad + (n % columns) * (w + pad);
    const y0 = pad + Math.floor(n / columns) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((n * h + y) * w + x) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        for (let k = 0; k < 3; k++) data[dst + k] = toByte(values[src + (c === 1 ? 0 : k)]!);
      }
    }
  }
  return { width, height, data };
}
