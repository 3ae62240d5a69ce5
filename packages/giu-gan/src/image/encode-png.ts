import { encodePngRgbaStored } from '@frx/tensor-utils';

import { GanOptionError } from '../internal/validate';
import type { RgbaImage } from './image-grid';

/**
 * Encodes an RGBA raster as a PNG file synchronously (8-bit RGBA, no filtering, stored deflate blocks:
 * `encodePngRgbaStored` of `@frx/tensor-utils`). Browser-safe; files are uncompressed, which is fine for
 * sample grids (an 8×8 grid of 32×32 images is about 300 kB). `writeSampleGrid` writes compressed files.
 *
 * @example
 * const bytes = encodePng(await imageGrid(samples)); // write with writeFile or a Blob
 */
export function encodePng(image: RgbaImage): Uint8Array {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new GanOptionError(`encodePng: invalid size ${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new GanOptionError(`encodePng: expected ${width * height * 4} bytes of RGBA, got ${data.length}`);
  }
  return encodePngRgbaStored(image);
}
