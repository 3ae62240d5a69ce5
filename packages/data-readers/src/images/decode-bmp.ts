import { DataFormatError } from '../errors/data-format-error';

import {
  checkDimensions,
  checkImageMemory,
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type ImageLimits,
} from './decoded-image';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/**
 * Decodes an uncompressed Windows bitmap: BITMAPCOREHEADER (12 bytes) and BITMAPINFOHEADER/V4/V5
 * (40/52/56/108/124 bytes), 1/4/8-bit palettes, 16-bit (5-5-5 or bit fields), 24-bit and 32-bit
 * (BGRX or bit fields), bottom-up or top-down rows. RLE-compressed files are rejected with a
 * {@link DataFormatError}. Layout from Microsoft's BITMAPINFOHEADER documentation.
 *
 * @param bytes - the file content.
 * @param options - `file` (label for errors), `maxPixels` (default 10⁸), `maxMemoryBytes` (default
 *   `32 · bytes.byteLength + 256 MiB`).
 * @returns HWC uint8 RGB (3 channels); alpha, if any, is dropped.
 * @throws DataFormatError with the byte offset for a bad magic, unsupported variant or truncation.
 *
 * @example
 * const img = decodeBmp(bytes); // { channels: 3, ... }
 */
export function decodeBmp(bytes: Uint8Array, options: { file?: string } & ImageLimits = {}): DecodedImage {
  const file = options.file ?? '<bytes>';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const fail = (detail: string, offset: number): never => {
    throw new DataFormatError(`BMP: ${detail}`, { file, offset });
  };
  if (bytes.length < 26) fail(`truncated header (${bytes.length} bytes)`, bytes.length);
  if (bytes[0] !== 0x42 || bytes[1] !== 0x4d) fail('bad magic, expected "BM"', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  let width: number;
  let height: number;
  let bpp: number;
  let compression = BI_RGB;
  let colorsUsed = 0;
  let paletteEntrySize = 4;
  if (dibSize === 12) {
    width = view.getUint16(18, true);
    height = view.getInt16(20, true);
    bpp = view.getUint16(24, true);
    paletteEntrySize = 3;
  } else if (dibSize >= 40 && dibSize <= 124) {
    if (bytes.length < 14 + 40) fail('truncated BITMAPINFOHEADER', bytes.length);
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colorsUsed = view.getUint32(46, true);
  } else {
    return fail(`unsupported DIB header size ${dibSize}`, 14);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  checkDimensions(width, height, maxPixels, file, 18, 'BMP');
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    fail(`compression ${compression} not supported (only uncompressed BI_RGB and BI_BITFIELDS)`, 30);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) fail(`unsupported bit depth ${bpp}`, dibSize === 12 ? 24 : 28);

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const entries = colorsUsed === 0 ? 1 << bpp : colorsUsed;
    if (entries > 1 << bpp) fail(`palette of ${entries} colours for ${bpp}-bit pixels`, 46);
    const start = 14 + dibSize;
    if (start + entries * paletteEntrySize > bytes.length)
      fail('palette runs past the end of the file', start);
    palette = new Uint8Array(entries * 3);
    for (let i = 0; i < entries; i++) {
      const at = start + i * paletteEntrySize;
      palette[3 * i] = bytes[at + 2]!;
      palette[3 * i + 1] = bytes[at + 1]!;
      palette[3 * i + 2] = bytes[at]!;
    }
  }

  // Channel masks for 16/32-bit pixels.
  let masks: [number, number, number] | null = null;
  if (bpp === 16 || bpp === 32) {
    if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
      if (14 + 40 + 12 > bytes.length) fail('truncated bit-field masks', 54);
      masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
    } else {
      masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
    }
  }
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset > bytes.length || bytes.length - dataOffset < stride * height) {
    fail(
      `pixel data of ${stride * height} bytes runs past the end of the file (${bytes.length} bytes)`,
      dataOffset,
    );
  }
  checkImageMemory(3 * width * height, bytes.byteLength, options.maxMemoryBytes, file, 18, 'BMP');
  const out = new Uint8Array(width * height * 3);
  const channelReaders = masks?.map(maskReader) ?? null;
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (palette !== null) {
        const bitPos = x * bpp;
        const byte = bytes[row + (bitPos >> 3)]!;
        const index = bpp === 8 ? byte : (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        if (3 * index + 2 >= palette.length) fail(`palette index ${index} out of range`, row + (bitPos >> 3));
        out[o] = palette[3 * index]!;
        out[o + 1] = palette[3 * index + 1]!;
        out[o + 2] = palette[3 * index + 2]!;
      } else if (bpp === 24) {
        const at = row + 3 * x;
        out[o] = bytes[at + 2]!;
        out[o + 1] = bytes[at + 1]!;
        out[o + 2] = bytes[at]!;
      } else {
        const at = row + (bpp >> 3) * x;
        const v = bpp === 16 ? view.getUint16(at, true) : view.getUint32(at, true);
        out[o] = channelReaders![0]!(v);
        out[o + 1] = channelReaders![1]!(v);
        out[o + 2] = channelReaders![2]!(v);
      }
    }
  }
  return { width, height, channels: 3, data: out };
}

// Extracts one channel under `mask` and scales it to 0…255.
function maskReader(mask: number): (v: number) => number {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (v) => Math.round((((v & mask) >>> shift) * 255) / max);
}
