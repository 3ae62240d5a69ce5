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
  checkLzwCodes(bytes, frame.data_offset, file);
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

/**
 * Walks the first frame's LZW codes as omggif will read them and refuses a code above the next free table entry
 * (GIF89a appendix F allows at most that one). omggif does not check: such a code makes a table entry whose prefix
 * is a later entry, and its prefix chase then loops forever on a cycle (an 88-byte GIF hung the decoder; found by
 * the fuzzer). With every code at most the next entry, each entry's prefix is an earlier entry and chases end.
 */
function checkLzwCodes(bytes: Uint8Array, dataOffset: number, file: string): void {
  const fail = (detail: string, offset: number): never => {
    throw new DataFormatError(`GIF: ${detail}`, { file, offset });
  };
  const minCodeSize = bytes[dataOffset];
  if (minCodeSize === undefined || minCodeSize < 1 || minCodeSize > 11)
    fail(`LZW minimum code size ${minCodeSize} is outside 1 … 11`, dataOffset);
  const clearCode = 1 << minCodeSize!;
  const eoiCode = clearCode + 1;
  let nextCode = eoiCode + 1;
  let codeSize = minCodeSize! + 1;
  let codeMask = (1 << codeSize) - 1;
  let prevCode: number | null = null;
  let p = dataOffset + 1;
  let subblockSize = bytes[p++] ?? 0;
  let cur = 0;
  let shift = 0;
  for (;;) {
    // Same bit reader as omggif's GifReaderLZWOutputIndexStream (the size byte of the next sub-block is read early).
    while (shift < 16 && subblockSize !== 0) {
      cur |= (bytes[p++] ?? 0) << shift;
      shift += 8;
      subblockSize = subblockSize === 1 ? (bytes[p++] ?? 0) : subblockSize - 1;
    }
    if (shift < codeSize) return;
    const code = cur & codeMask;
    cur >>= codeSize;
    shift -= codeSize;
    if (code === clearCode) {
      nextCode = eoiCode + 1;
      codeSize = minCodeSize! + 1;
      codeMask = (1 << codeSize) - 1;
      prevCode = null;
      continue;
    }
    if (code === eoiCode) return;
    if (code > nextCode || (code === nextCode && prevCode === null))
      fail(`LZW code ${code} is not in the code table (next entry ${nextCode})`, p);
    if (prevCode !== null && nextCode < 4096) {
      nextCode++;
      if (nextCode >= codeMask + 1 && codeSize < 12) {
        codeSize++;
        codeMask = (codeMask << 1) | 1;
      }
    }
    prevCode = code;
  }
}
