import type { DecodedImage } from './decoded-image';

/**
 * Mirrors an image left–right (the standard face-recognition training augmentation and the second view
 * of insightface's flip test).
 *
 * @param image - HWC uint8.
 * @returns a new image of the same shape.
 *
 * @example
 * const mirrored = flipHorizontal(image);
 */
export function flipHorizontal(image: DecodedImage): DecodedImage {
  const { width, height, channels: c, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * c;
    for (let x = 0; x < width; x++) {
      const from = row + x * c;
      const to = row + (width - 1 - x) * c;
      for (let k = 0; k < c; k++) out[to + k] = data[from + k]!;
    }
  }
  return { width, height, channels: c, data: out };
}
