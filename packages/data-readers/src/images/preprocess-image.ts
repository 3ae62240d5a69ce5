import { toGrey, toRgb } from './color';
import { cropOrPad } from './crop-or-pad';
import type { DecodedImage } from './decoded-image';
import type { PixelNormalization } from './normalize-image';
import { resizeBilinear } from './resize-bilinear';

/** How the batch pipeline turns a decoded image into a model input (plain data: it is sent to worker threads). */
export interface ImagePreprocessSpec {
  /** Output rows. */
  height: number;
  /** Output columns. */
  width: number;
  /** Output channels: 3 (RGB, grey replicated) or 1 (BT.601 luma). Default 3. */
  channels?: 1 | 3;
  /**
   * Size mismatch: `'bilinear'` resize (half-pixel centres), `'crop-or-pad'` (centre, zero fill) or `'none'`
   * (a different size is an error). Default `'bilinear'`.
   */
  resize?: 'bilinear' | 'crop-or-pad' | 'none';
  /** Pixel scaling. Default `'insightface'` ([−1, 1]). */
  normalization?: PixelNormalization;
}

/**
 * Converts channels and size of a decoded image as `spec` says (normalisation and flipping are applied when the
 * pixels are written into the batch).
 *
 * @param image - HWC uint8.
 * @param spec - target size and policies.
 * @param file - label for errors.
 * @returns HWC uint8 of `[spec.height, spec.width, spec.channels]`.
 * @throws RangeError when `resize` is `'none'` and the size differs.
 */
export function preprocessImage(
  image: DecodedImage,
  spec: ImagePreprocessSpec,
  file = '<image>',
): DecodedImage {
  let out = (spec.channels ?? 3) === 3 ? toRgb(image) : toGrey(image);
  if (out.height !== spec.height || out.width !== spec.width) {
    const mode = spec.resize ?? 'bilinear';
    if (mode === 'bilinear') out = resizeBilinear(out, spec.height, spec.width);
    else if (mode === 'crop-or-pad') out = cropOrPad(out, spec.height, spec.width);
    else {
      throw new RangeError(
        `${file}: image is ${out.height}x${out.width}, expected ${spec.height}x${spec.width} (resize: 'none')`,
      );
    }
  }
  return out;
}
