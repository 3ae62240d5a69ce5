import { convertIndexedToRgb, decode as decodePngBytes, type DecodedPng } from 'fast-png';
import { Unzlib } from 'fflate';

import { DataFormatError } from '../errors/data-format-error';

import {
  checkDimensions,
  checkImageMemory,
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type ImageLimits,
} from './decoded-image';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes a PNG with `fast-png` (pure JavaScript; inflate by fflate), after checking the signature and the
 * IHDR dimensions against `maxPixels` and `maxMemoryBytes` so that no buffer is sized by an unchecked header.
 * The IDAT stream is first inflated without keeping the output, counting bytes, and refused as soon as it
 * exceeds what IHDR describes (PNG specification §10.2: height · (1 + row bytes), per Adam7 pass when
 * interlaced) by more than 1 MiB of slack: a 200 KB file cannot inflate to hundreds of megabytes. Handles grey,
 * grey + alpha, RGB, RGBA and palette images at every bit depth; 16-bit samples keep their high byte and
 * sub-byte grey samples are scaled to 0…255. Grey + alpha becomes grey (alpha dropped).
 *
 * @param bytes - the file content.
 * @param options - `file` (label for errors), `maxPixels` (default 10⁸), `maxMemoryBytes` (default
 *   `32 · bytes.byteLength + 256 MiB`).
 * @returns HWC uint8 with 1 (grey), 3 (RGB) or 4 (RGBA) channels.
 * @throws DataFormatError naming the file for a bad signature, bad IHDR, CRC or inflate failure.
 *
 * @example
 * const face = decodePng(await readFile('bbt/amy/amy1.png')); // 150x150 grey
 */
export function decodePng(bytes: Uint8Array, options: { file?: string } & ImageLimits = {}): DecodedImage {
  const file = options.file ?? '<bytes>';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) {
    if (bytes[i] !== PNG_SIGNATURE[i])
      throw new DataFormatError('PNG: bad signature', { file, offset: Math.min(i, bytes.length) });
  }
  if (bytes.length < 33) throw new DataFormatError('PNG: truncated IHDR', { file, offset: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(12) !== 0x49484452)
    throw new DataFormatError('PNG: first chunk is not IHDR', { file, offset: 12 });
  const width0 = view.getUint32(16);
  const height0 = view.getUint32(20);
  checkDimensions(width0, height0, maxPixels, file, 16, 'PNG');
  const expected = inflatedSize(width0, height0, bytes[24]!, bytes[25]!, bytes[28]!);
  if (expected === null)
    throw new DataFormatError(`PNG: invalid bit depth ${bytes[24]} for colour type ${bytes[25]}`, {
      file,
      offset: 24,
    });
  // fast-png holds the inflated stream and the samples; ours are one byte per sample, plus a palette expansion.
  checkImageMemory(
    2 * expected + 7 * width0 * height0,
    bytes.byteLength,
    options.maxMemoryBytes,
    file,
    16,
    'PNG',
  );
  checkInflatedSize(bytes, expected, file);
  let png: DecodedPng;
  try {
    png = decodePngBytes(bytes, { checkCrc: true });
  } catch (error) {
    throw new DataFormatError(`PNG: ${(error as Error).message}`, { file }, { cause: error });
  }
  const { width, height } = png;
  const pixels = width * height;
  if (png.palette !== undefined) {
    const rgb = convertIndexedToRgb(png);
    const channels = rgb.length === pixels * 4 ? 4 : 3;
    if (rgb.length !== pixels * channels)
      throw new DataFormatError('PNG: palette data size mismatch', { file });
    return { width, height, channels, data: rgb };
  }
  const inChannels = png.channels;
  const depth = png.depth;
  const samples = toBytes(png.data, depth, width, height, inChannels, file);
  if (inChannels === 1 || inChannels === 3 || inChannels === 4) {
    return { width, height, channels: inChannels, data: samples };
  }
  if (inChannels === 2) {
    const grey = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) grey[i] = samples[2 * i]!;
    return { width, height, channels: 1, data: grey };
  }
  throw new DataFormatError(`PNG: unsupported channel count ${inChannels}`, { file });
}

// Slack over the IHDR size before an IDAT stream counts as a bomb: libpng treats extra data as a benign error.
const INFLATE_SLACK = 2 ** 20;
// Compressed bytes pushed to the counting inflater at a time (at most about 1 MiB of output each).
const INFLATE_SLICE = 1024;
const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

// Bytes of the filtered image data IHDR describes (PNG §7.2, §8.2); null for an invalid colour type.
function inflatedSize(width: number, height: number, depth: number, colorType: number, interlace: number) {
  const samples = SAMPLES_PER_PIXEL[colorType];
  if (samples === undefined || ![1, 2, 4, 8, 16].includes(depth)) return null;
  const rowBytes = (w: number) => Math.ceil((w * samples * depth) / 8);
  if (interlace !== 1) return height * (1 + rowBytes(width));
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) total += h * (1 + rowBytes(w));
  }
  return total;
}

// Inflates the IDAT chunks without keeping the output and refuses a stream longer than IHDR describes.
function checkInflatedSize(bytes: Uint8Array, expected: number, file: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limit = expected + INFLATE_SLACK;
  let total = 0;
  let at = 8;
  const inflater = new Unzlib((chunk) => {
    total += chunk.length;
    if (total > limit) {
      throw new DataFormatError(
        `PNG: IDAT inflates to more than ${limit} bytes, but IHDR describes ${expected} (decompression bomb or corrupt data)`,
        { file, offset: at },
      );
    }
  });
  try {
    // Malformed chunk structure stops the scan; fast-png then reports it.
    while (at + 12 <= bytes.length) {
      const length = view.getUint32(at);
      const type = view.getUint32(at + 4);
      if (length > bytes.length - at - 12) break;
      // In slices: fflate inflates a whole push before calling back, and deflate expands up to 1032x, so one
      // 200 KB IDAT pushed whole would be 200 MB in memory before the count above could refuse it.
      if (type === 0x49444154) {
        for (let from = at + 8; from < at + 8 + length; from += INFLATE_SLICE)
          inflater.push(bytes.subarray(from, Math.min(from + INFLATE_SLICE, at + 8 + length)));
      } else if (type === 0x49454e44) break; // IEND
      at += 12 + length;
    }
  } catch (error) {
    if (error instanceof DataFormatError) throw error;
    throw new DataFormatError(`PNG: ${(error as Error).message}`, { file, offset: at }, { cause: error });
  }
}

// Converts decoded samples to one byte each (16-bit: high byte; 1/2/4-bit grey: unpack and scale).
function toBytes(
  data: DecodedPng['data'],
  depth: number,
  width: number,
  height: number,
  channels: number,
  file: string,
): Uint8Array {
  const count = width * height * channels;
  if (depth === 8) {
    if (data.length < count) throw new DataFormatError('PNG: pixel data shorter than IHDR says', { file });
    return data instanceof Uint8Array ? data.subarray(0, count) : Uint8Array.from(data.subarray(0, count));
  }
  if (depth === 16) {
    if (data.length < count) throw new DataFormatError('PNG: pixel data shorter than IHDR says', { file });
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = data[i]! >> 8;
    return out;
  }
  // Sub-byte depths (grey only in PNG): rows are packed and byte-aligned.
  const rowBytes = Math.ceil((width * depth) / 8);
  if (data.length < rowBytes * height)
    throw new DataFormatError('PNG: pixel data shorter than IHDR says', { file });
  const out = new Uint8Array(width * height);
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)]!;
      const v = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * width + x] = Math.round((v * 255) / max);
    }
  }
  return out;
}
