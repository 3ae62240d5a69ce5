import { GifReader } from 'omggif';

import { DataFormatError } from '../errors/data-format-error';

import { checkDimensions, DEFAULT_MAX_PIXELS, type DecodedImage } from './decoded-image';

/**
 * Decodes the first frame of a GIF (the Yale Face Database ships GIFs) with `omggif` (pure JavaScript).
 * The logical-screen size is checked against `maxPixels` before the frame buffer is allocated.
 * Transparent pixels come out black.
 *
 * @param bytes - the file content.
 * @param options - `file` (label for errors), `maxPixels` (default 10⁸).
 * @returns HWC uint8 RGB.
 * @throws DataFormatError for a bad signature or any decoding failure.
 *
 * @example
 * const img = decodeGif(await readFile('yalefaces/subject01.happy')); // 320x243x3
 */
export function decodeGif(
  bytes: Uint8Array,
  options: { file?: string; maxPixels?: number } = {},
): DecodedImage {
  const file = options.file ?? '<bytes>';
  if (bytes.length < 13 || bytes[0] !== 0x47 || bytes[1] !== 0x49 || bytes[2] !== 0x46 || bytes[3] !== 0x38) {
    throw new DataFormatError('GIF: bad signature, expected GIF87a or GIF89a', { file, offset: 0 });
  }
  const width = bytes[6]! | (bytes[7]! << 8);
  const height = bytes[8]! | (bytes[9]! << 8);
  checkDimensions(width, height, options.maxPixels ?? DEFAULT_MAX_PIXELS, file, 6, 'GIF');
  let rgba: Uint8Array;
  try {
    const reader = new GifReader(bytes);
    if (reader.numFrames() < 1) throw new Error('no image frame');
    rgba = new Uint8Array(width * height * 4);
    // omggif reports a short LZW stream with console.log and carries on; capture it and fail instead.
    const warnings: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
    try {
      reader.decodeAndBlitFrameRGBA(0, rgba);
    } finally {
      console.log = log;
    }
    if (warnings.length > 0) throw new Error(warnings.join('; '));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DataFormatError(`GIF: ${message}`, { file }, { cause: error });
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = rgba[j]!;
    rgb[i + 1] = rgba[j + 1]!;
    rgb[i + 2] = rgba[j + 2]!;
  }
  return { width, height, channels: 3, data: rgb };
}
