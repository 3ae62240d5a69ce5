import { GifReader } from 'omggif';

import { DataFormatError } from '../errors/data-format-error';

import {
  checkDimensions,
  checkImageMemory,
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type ImageLimits,
} from './decoded-image';

/**
 * Decodes the first frame of a GIF (the Yale Face Database ships GIFs) with `omggif` (pure JavaScript).
 * The logical-screen size is checked against `maxPixels` and `maxMemoryBytes` before the frame buffer is allocated,
 * and the first frame must lie inside the logical screen (GIF89a §20: "the image must fit within the boundaries of
 * the Logical Screen"), so a tiny file cannot make the decoder loop over billions of pixels.
 * Transparent pixels come out black.
 *
 * @param bytes - the file content.
 * @param options - `file` (label for errors), `maxPixels` (default 10⁸), `maxMemoryBytes` (default
 *   `32 · bytes.byteLength + 256 MiB`).
 * @returns HWC uint8 RGB.
 * @throws DataFormatError for a bad signature or any decoding failure.
 *
 * @example
 * const img = decodeGif(await readFile('yalefaces/subject01.happy')); // 320x243x3
 */
export function decodeGif(bytes: Uint8Array, options: { file?: string } & ImageLimits = {}): DecodedImage {
  const file = options.file ?? '<bytes>';
  if (bytes.length < 13 || bytes[0] !== 0x47 || bytes[1] !== 0x49 || bytes[2] !== 0x46 || bytes[3] !== 0x38) {
    throw new DataFormatError('GIF: bad signature, expected GIF87a or GIF89a', { file, offset: 0 });
  }
  const width = bytes[6]! | (bytes[7]! << 8);
  const height = bytes[8]! | (bytes[9]! << 8);
  checkDimensions(width, height, options.maxPixels ?? DEFAULT_MAX_PIXELS, file, 6, 'GIF');
  // The RGBA frame buffer of omggif plus the RGB output.
  checkImageMemory(7 * width * height, bytes.byteLength, options.maxMemoryBytes, file, 6, 'GIF');
  let reader: GifReader;
  try {
    reader = new GifReader(bytes);
    if (reader.numFrames() < 1) throw new Error('no image frame');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DataFormatError(`GIF: ${message}`, { file }, { cause: error });
  }
  const frame = reader.frameInfo(0);
  if (frame.x + frame.width > width || frame.y + frame.height > height) {
    throw new DataFormatError(
      `GIF: first frame ${frame.width}x${frame.height} at (${frame.x}, ${frame.y}) does not fit in the ${width}x${height} logical screen`,
      { file, offset: frame.data_offset },
    );
  }
  let rgba: Uint8Array;
  try {
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
