import { convertIndexedToRgb, decode as decodePngBytes, type DecodedPng } from 'fast-png';

import { DataFormatError } from '../errors/data-format-error';

import { checkDimensions, DEFAULT_MAX_PIXELS, type DecodedImage } from './decoded-image';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes a PNG with `fast-png` (pure JavaScript; inflate by fflate), after checking the signature and the
 * IHDR dimensions against `maxPixels` so that no buffer is sized by an unchecked header. Handles grey,
 * grey + alpha, RGB, RGBA and palette images at every bit depth; 16-bit samples keep their high byte and
 * sub-byte grey samples are scaled to 0…255. Grey + alpha becomes grey (alpha dropped).
 *
 * @param bytes - the file content.
 * @param options - `file` (label for errors), `maxPixels` (default 10⁸).
 * @returns HWC uint8 with 1 (grey), 3 (RGB) or 4 (RGBA) channels.
 * @throws DataFormatError naming the file for a bad signature, bad IHDR, CRC or inflate failure.
 *
 * @example
 * const face = decodePng(await readFile('bbt/amy/amy1.png')); // 150x150 grey
 */
export function decodePng(
  bytes: Uint8Array,
  options: { file?: string; maxPixels?: number } = {},
): DecodedImage {
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
  checkDimensions(view.getUint32(16), view.getUint32(20), maxPixels, file, 16, 'PNG');
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
