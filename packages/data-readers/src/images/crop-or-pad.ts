import type { DecodedImage } from './decoded-image';

/**
 * Centre-crops and/or centre-pads an image to `height × width`, per axis, like
 * `tf.image.resize_with_crop_or_pad`: a crop drops ⌊(in − out)/2⌋ leading rows/columns, a pad adds
 * ⌊(out − in)/2⌋ leading rows/columns of `fill`.
 *
 * @param image - HWC uint8.
 * @param height - output rows.
 * @param width - output columns.
 * @param fill - padding value 0…255. Default 0.
 * @returns a new image `[height, width, channels]` (the input itself when the size is unchanged).
 *
 * @example
 * const square = cropOrPad(decodePnm(orlBytes), 112, 112); // 92 wide → 10 black columns each side
 */
export function cropOrPad(image: DecodedImage, height: number, width: number, fill = 0): DecodedImage {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new RangeError(`cropOrPad: output size must be positive integers, got ${height}x${width}`);
  }
  if (height === image.height && width === image.width) return image;
  const c = image.channels;
  const out = new Uint8Array(height * width * c);
  if (fill !== 0) out.fill(fill);
  // Offsets into the source (crop, positive) or the destination (pad).
  const srcY = Math.max(0, Math.floor((image.height - height) / 2));
  const srcX = Math.max(0, Math.floor((image.width - width) / 2));
  const dstY = Math.max(0, Math.floor((height - image.height) / 2));
  const dstX = Math.max(0, Math.floor((width - image.width) / 2));
  const rows = Math.min(height, image.height);
  const cols = Math.min(width, image.width);
  for (let y = 0; y < rows; y++) {
    const from = ((srcY + y) * image.width + srcX) * c;
    out.set(image.data.subarray(from, from + cols * c), ((dstY + y) * width + dstX) * c);
  }
  return { width, height, channels: c, data: out };
}
