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

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
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
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ChartError(`encodePngRgba: width and height must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new ChartError(
      `encodePngRgba: a ${width}×${height} RGBA raster holds ${width * height * 4} bytes, got ${data.length}`,
    );
  }
  const stride = width * 4;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    raw[o] = 2; // Up: each byte minus the byte above (0 above the first row)
    for (let i = 0; i < stride; i++) {
      const above = y === 0 ? 0 : data[(y - 1) * stride + i]!;
      raw[o + 1 + i] = (data[y * stride + i]! - above) & 0xff;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', await zlibDeflate(raw)),
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
