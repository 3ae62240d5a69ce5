import type { DecodedImage } from './decoded-image';

/**
 * Resizes with bilinear interpolation and half-pixel centres — source coordinate
 * `(dst + 0.5) · in / out − 0.5`, clamped at 0 — the convention of PyTorch `F.interpolate(mode='bilinear',
 * align_corners=False)`, OpenCV `INTER_LINEAR` and `tf.image.resizeBilinear(…, halfPixelCenters=true)`.
 * No antialiasing: when shrinking by more than 2× consider a box filter first. Results are rounded to uint8.
 *
 * @param image - HWC uint8, any channel count.
 * @param height - output rows (positive integer).
 * @param width - output columns (positive integer).
 * @returns a new image `[height, width, channels]` (the input itself when the size is unchanged).
 *
 * @example
 * const small = resizeBilinear(decodeImage(bytes), 112, 112);
 */
export function resizeBilinear(image: DecodedImage, height: number, width: number): DecodedImage {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new RangeError(`resizeBilinear: output size must be positive integers, got ${height}x${width}`);
  }
  if (height === image.height && width === image.width) return image;
  const { channels: c, data: src, width: inW, height: inH } = image;
  const out = new Uint8Array(height * width * c);
  const scaleY = inH / height;
  const scaleX = inW / width;
  // Precompute the column taps once per image.
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const wxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.max(0, (x + 0.5) * scaleX - 0.5);
    const x0 = Math.min(Math.floor(sx), inW - 1);
    x0s[x] = x0 * c;
    x1s[x] = Math.min(x0 + 1, inW - 1) * c;
    wxs[x] = sx - x0;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.max(0, (y + 0.5) * scaleY - 0.5);
    const y0 = Math.min(Math.floor(sy), inH - 1);
    const y1 = Math.min(y0 + 1, inH - 1);
    const wy = sy - y0;
    const row0 = y0 * inW * c;
    const row1 = y1 * inW * c;
    let o = y * width * c;
    for (let x = 0; x < width; x++) {
      const wx = wxs[x]!;
      const a = row0 + x0s[x]!;
      const b = row0 + x1s[x]!;
      const d = row1 + x0s[x]!;
      const e = row1 + x1s[x]!;
      for (let k = 0; k < c; k++, o++) {
        const top = src[a + k]! + (src[b + k]! - src[a + k]!) * wx;
        const bottom = src[d + k]! + (src[e + k]! - src[d + k]!) * wx;
        out[o] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { width, height, channels: c, data: out };
}
