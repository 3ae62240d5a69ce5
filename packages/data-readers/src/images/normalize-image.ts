import type { DecodedImage } from './decoded-image';

/**
 * Pixel scaling to float32: `'insightface'` maps 0…255 to [−1, 1] as `(x − 127.5) / 127.5` (insightface
 * arcface_torch transforms: ToTensor then Normalize(mean 0.5, std 0.5)); `'unit'` maps to [0, 1] as `x / 255`.
 */
export type PixelNormalization = 'insightface' | 'unit';

// insightface arcface_torch: Normalize(mean=[0.5]*3, std=[0.5]*3) after ToTensor, i.e. (x/255 − 0.5)/0.5.
const INSIGHTFACE_MEAN = 127.5;
const INSIGHTFACE_STD = 127.5;

/** @internal Scale and offset of a normalisation: `out = x · scale + shift`. */
export function normalizationCoefficients(mode: PixelNormalization): [scale: number, shift: number] {
  if (mode === 'insightface') return [1 / INSIGHTFACE_STD, -INSIGHTFACE_MEAN / INSIGHTFACE_STD];
  if (mode === 'unit') return [1 / 255, 0];
  throw new TypeError(`unknown normalization "${String(mode)}" (expected 'insightface' or 'unit')`);
}

/**
 * Writes an image as float32 into `out` at `offset` (HWC order), optionally mirrored, in one pass. This is
 * the inner loop of the batch pipeline: it avoids an intermediate flipped copy.
 *
 * @param image - HWC uint8.
 * @param mode - normalisation.
 * @param out - destination, at least `offset + h·w·c` long.
 * @param offset - first element to write. Default 0.
 * @param flip - mirror left–right while writing. Default false.
 */
export function writeNormalizedImage(
  image: DecodedImage,
  mode: PixelNormalization,
  out: Float32Array,
  offset = 0,
  flip = false,
): void {
  const [scale, shift] = normalizationCoefficients(mode);
  const { width, height, channels: c, data } = image;
  const n = width * height * c;
  if (offset < 0 || offset + n > out.length) {
    throw new RangeError(`writeNormalizedImage: ${n} values at offset ${offset} do not fit in ${out.length}`);
  }
  if (!flip) {
    for (let i = 0; i < n; i++) out[offset + i] = data[i]! * scale + shift;
    return;
  }
  const rowLen = width * c;
  for (let y = 0; y < height; y++) {
    const row = y * rowLen;
    for (let x = 0; x < width; x++) {
      const from = row + x * c;
      const to = offset + row + (width - 1 - x) * c;
      for (let k = 0; k < c; k++) out[to + k] = data[from + k]! * scale + shift;
    }
  }
}

/**
 * Converts an HWC uint8 image to float32 in [−1, 1] (`'insightface'`) or [0, 1] (`'unit'`).
 *
 * @param image - HWC uint8.
 * @param mode - default `'insightface'`.
 * @returns a `Float32Array` of `h·w·c` values in HWC order.
 *
 * @example
 * const x = normalizeImage(face, 'insightface'); // 0 → −1, 255 → 1
 */
export function normalizeImage(image: DecodedImage, mode: PixelNormalization = 'insightface'): Float32Array {
  const out = new Float32Array(image.data.length);
  writeNormalizedImage(image, mode, out);
  return out;
}
