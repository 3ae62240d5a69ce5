import { ChartError } from './chart-error';

/** An 8-bit RGBA raster, row-major, `data.length === width * height * 4`. */
export interface RgbaRaster {
  width: number;
  height: number;
  data: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** zlib (RFC 1950) compression through the web `CompressionStream` (Node ≥ 18, every current browser). */
async function zlibDeflate(raw: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream of stored (uncompressed) deflate blocks (RFC 1950/1951): synchronous, no compressor. */
function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, raw.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(raw.subarray(start, start + len), o);
    o += len;
  }
  new DataView(out.buffer).setUint32(o, adler32(raw));
  return out;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

function checkRaster(what: string, { width, height, data }: RgbaRaster): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ChartError(`${what}: width and height must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new ChartError(
      `${what}: a ${width}×${height} RGBA raster holds ${width * height * 4} bytes, got ${data.length}`,
    );
  }
}

/** The filtered scanlines of an RGBA raster: each row prefixed by its filter type, "None" (0) or "Up" (2). */
function scanlines({ width, height, data }: RgbaRaster, filter: 0 | 2): Uint8Array<ArrayBuffer> {
  const stride = width * 4;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    raw[o] = filter;
    if (filter === 0 || y === 0) raw.set(data.subarray(y * stride, (y + 1) * stride), o + 1);
    else {
      // Up: each byte minus the byte above (the first row has nothing above: unchanged).
      for (let i = 0; i < stride; i++)
        raw[o + 1 + i] = (data[y * stride + i]! - data[(y - 1) * stride + i]!) & 0xff;
    }
  }
  return raw;
}

/** Signature, IHDR (8-bit RGBA, no interlace), one IDAT holding `zlib`, IEND. */
function pngFile(width: number, height: number, zlib: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Encodes an RGBA raster as a PNG file (8-bit RGBA, the "Up" row filter, deflate-compressed; PNG spec, ISO/IEC
 * 15948). Browser-safe and dependency-free; charts compress to a few tens of kB.
 *
 * @param image - the raster; its `data` must hold `width * height * 4` bytes.
 * @returns the PNG file's bytes.
 * @throws {ChartError} when the raster's size and data disagree.
 * @example
 * ```ts
 * const png = await encodePngRgba({ width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]) });
 * ```
 */
export async function encodePngRgba(image: RgbaRaster): Promise<Uint8Array> {
  checkRaster('encodePngRgba', image);
  return pngFile(image.width, image.height, await zlibDeflate(scanlines(image, 2)));
}

/**
 * Encodes an RGBA raster as a PNG file synchronously: 8-bit RGBA, no row filter, stored (uncompressed)
 * deflate blocks, so the file is about as large as the raster. For callers that cannot await; prefer
 * {@link encodePngRgba}.
 *
 * @param image - the raster; its `data` must hold `width * height * 4` bytes.
 * @returns the PNG file's bytes.
 * @throws {ChartError} when the raster's size and data disagree.
 * @example
 * ```ts
 * const png = encodePngRgbaStored({ width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]) });
 * ```
 */
export function encodePngRgbaStored(image: RgbaRaster): Uint8Array {
  checkRaster('encodePngRgbaStored', image);
  return pngFile(image.width, image.height, zlibStored(scanlines(image, 0)));
}
