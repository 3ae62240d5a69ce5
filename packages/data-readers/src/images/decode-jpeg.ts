import { decode as decodeJpegBytes } from 'jpeg-js';

import { DataFormatError } from '../errors/data-format-error';

import { checkImageMemory, DEFAULT_MAX_PIXELS, type DecodedImage, type ImageLimits } from './decoded-image';
import { readJpegFrame } from './jpeg-dimensions';

// What jpeg-js really holds per 8x8 block: an Int32Array(64) (256 bytes) and its object (about 160 bytes). Its
// own `maxMemoryUsageInMB` counts only the 256, which is how a 9000x9000 header peaked at 857 MB under a 512 MB cap.
const JPEG_JS_BLOCK_BYTES = 416;
const MiB = 2 ** 20;

/** Bytes jpeg-js allocates to decode a frame (jpeg-js `prepareComponents` and `getData`). */
function jpegJsMemory(width: number, height: number, sampling: readonly [number, number][]): number {
  const hMax = Math.max(1, ...sampling.map(([h]) => h));
  const vMax = Math.max(1, ...sampling.map(([, v]) => v));
  const mcusPerLine = Math.ceil(width / 8 / hMax);
  const mcusPerColumn = Math.ceil(height / 8 / vMax);
  let total = width * height * (sampling.length + 3);
  for (const [h, v] of sampling) {
    const blocks = mcusPerLine * Math.max(1, h) * mcusPerColumn * Math.max(1, v);
    total += blocks * (JPEG_JS_BLOCK_BYTES + 64);
  }
  return total;
}

/**
 * Decodes a baseline or progressive JPEG with `jpeg-js` (pure JavaScript, works in browsers and workers).
 * The SOF header is read first and the memory jpeg-js will allocate (coefficient blocks, component planes, output)
 * is checked against `maxMemoryBytes` before decoding, so a corrupt or hostile header cannot trigger a huge
 * allocation; jpeg-js also refuses images above `maxPixels`. Grey JPEGs come out as RGB with equal channels (jpeg-js always emits RGB).
 *
 * @param bytes - the file content.
 * @param options - `file` (label for errors), `maxPixels` (default 10⁸), `maxMemoryBytes` (default
 *   `32 · bytes.byteLength + 256 MiB`), `maxMemoryMB` (jpeg-js's own cap, default the larger of 512 and
 *   `maxMemoryBytes` in MiB).
 * @returns HWC uint8 RGB.
 * @throws DataFormatError for a bad SOI marker or any decoding failure.
 *
 * @example
 * const img = decodeJpeg(await readFile('lfw/Anthony_Hopkins_0001.jpg')); // 250x250x3
 */
export function decodeJpeg(
  bytes: Uint8Array,
  options: { file?: string; maxMemoryMB?: number } & ImageLimits = {},
): DecodedImage {
  const file = options.file ?? '<bytes>';
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new DataFormatError('JPEG: bad SOI marker, expected FF D8', { file, offset: 0 });
  }
  const frame = readJpegFrame(bytes, file);
  const needed = jpegJsMemory(frame.width, frame.height, frame.sampling);
  checkImageMemory(needed, bytes.byteLength, options.maxMemoryBytes, file, frame.offset, 'JPEG');
  try {
    const out = decodeJpegBytes(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: (options.maxPixels ?? DEFAULT_MAX_PIXELS) / 1e6,
      maxMemoryUsageInMB: options.maxMemoryMB ?? Math.max(512, Math.ceil(needed / MiB)),
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
