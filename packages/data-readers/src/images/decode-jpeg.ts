import { decode as decodeJpegBytes } from 'jpeg-js';

import { DataFormatError } from '../errors/data-format-error';

import { DEFAULT_MAX_PIXELS, type DecodedImage } from './decoded-image';

/**
 * Decodes a baseline or progressive JPEG with `jpeg-js` (pure JavaScript, works in browsers and workers).
 * jpeg-js refuses images above `maxPixels` and caps its own memory use, so a corrupt header cannot trigger
 * a huge allocation. Grey JPEGs come out as RGB with equal channels (jpeg-js always emits RGB).
 *
 * @param bytes - the file content.
 * @param options - `file` (label for errors), `maxPixels` (default 10⁸), `maxMemoryMB` (default 512).
 * @returns HWC uint8 RGB.
 * @throws DataFormatError for a bad SOI marker or any decoding failure.
 *
 * @example
 * const img = decodeJpeg(await readFile('lfw/Anthony_Hopkins_0001.jpg')); // 250x250x3
 */
export function decodeJpeg(
  bytes: Uint8Array,
  options: { file?: string; maxPixels?: number; maxMemoryMB?: number } = {},
): DecodedImage {
  const file = options.file ?? '<bytes>';
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new DataFormatError('JPEG: bad SOI marker, expected FF D8', { file, offset: 0 });
  }
  try {
    const out = decodeJpegBytes(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: (options.maxPixels ?? DEFAULT_MAX_PIXELS) / 1e6,
      maxMemoryUsageInMB: options.maxMemoryMB ?? 512,
    });
    if (out.data.length !== out.width * out.height * 3 || out.width === 0 || out.height === 0) {
      throw new Error(`decoded ${out.data.length} bytes for ${out.width}x${out.height}`);
    }
    return { width: out.width, height: out.height, channels: 3, data: out.data };
  } catch (error) {
    if (error instanceof DataFormatError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DataFormatError(`JPEG: ${message}`, { file }, { cause: error });
  }
}
