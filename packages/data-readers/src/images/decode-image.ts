import { DataFormatError } from '../errors/data-format-error';

import { toGrey, toRgb } from './color';
import { decodeBmp } from './decode-bmp';
import { decodeGif } from './decode-gif';
import { decodeJpeg } from './decode-jpeg';
import { decodePng } from './decode-png';
import { decodePnm } from './decode-pnm';
import type { DecodedImage, ImageLimits } from './decoded-image';

/** Image container formats {@link decodeImage} recognises by their magic bytes. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'bmp' | 'pnm';

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions extends ImageLimits {
  /** Label for error messages (a path or URL). Default `'<bytes>'`. */
  file?: string;
  /**
   * Output channels: 3 (RGB; grey is replicated, alpha dropped), 1 (BT.601 luma) or `'native'` (what the
   * file holds: 1, 3 or 4). Default 3.
   */
  channels?: 1 | 3 | 'native';
}

/**
 * Identifies an image container from its first bytes.
 *
 * @param bytes - at least the first 8 bytes of a file.
 * @returns the format, or `null` when unrecognised.
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  if (bytes.length >= 4 && bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x38)
    return 'gif';
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  if (bytes.length >= 2 && bytes[0] === 0x50 && [0x32, 0x33, 0x35, 0x36].includes(bytes[1]!)) return 'pnm';
  return null;
}

/**
 * Decodes JPEG, PNG, GIF (first frame), BMP or PGM/PPM (P2/P3/P5/P6) bytes into an HWC uint8 image, choosing
 * the decoder from the magic bytes (file names are not trusted: Yale's GIFs have no extension). Pure
 * JavaScript, so it runs in browsers, web workers and Node worker threads alike.
 *
 * @param bytes - the encoded file.
 * @param options - `file` (error label), `channels` (default 3), `maxPixels` (default 10⁸), `maxMemoryBytes`
 *   (default `32 · bytes.byteLength + 256 MiB`).
 * @returns `{ width, height, channels, data }` with `data.length = height · width · channels`.
 * @throws DataFormatError for an unknown format or a corrupt file, naming the file and the byte offset.
 *
 * @example
 * const rgb = decodeImage(await readFile('orl/s1/1.pgm'), { file: 'orl/s1/1.pgm' }); // 112x92x3
 */
export function decodeImage(bytes: Uint8Array, options: DecodeImageOptions = {}): DecodedImage {
  for (const key of Object.keys(options)) {
    if (!['file', 'channels', 'maxPixels', 'maxMemoryBytes'].includes(key))
      throw new TypeError(`decodeImage: unknown option "${key}"`);
  }
  const file = options.file ?? '<bytes>';
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 'native') {
    throw new TypeError(`decodeImage: channels must be 1, 3 or 'native', got ${String(channels)}`);
  }
  const inner = {
    file,
    ...(options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {}),
    ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
  };
  let image: DecodedImage;
  switch (sniffImageFormat(bytes)) {
    case 'jpeg':
      image = decodeJpeg(bytes, inner);
      break;
    case 'png':
      image = decodePng(bytes, inner);
      break;
    case 'gif':
      image = decodeGif(bytes, inner);
      break;
    case 'bmp':
      image = decodeBmp(bytes, inner);
      break;
    case 'pnm':
      image = decodePnm(bytes, inner);
      break;
    default:
      throw new DataFormatError(
        `unrecognised image format (first bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')})`,
        { file, offset: 0 },
      );
  }
  if (channels === 'native') return image;
  return channels === 3 ? toRgb(image) : toGrey(image);
}
