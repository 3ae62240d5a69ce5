import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';

import { ChartError } from './chart-error';
import { encodePngRgba, encodePngRgbaStored } from './encode-png';

describe('encodePngRgba', () => {
  it('round-trips through an independent decoder (fast-png), every byte', async () => {
    const width = 37;
    const height = 11;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 73 + (i >> 5)) & 0xff;
    const png = await encodePngRgba({ width, height, data });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const back = decode(png); // fast-png checks every chunk's CRC by default
    expect([back.width, back.height, back.channels, back.depth]).toEqual([width, height, 4, 8]);
    expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(data))).toBe(true);
  });

  it('compresses a flat chart background to a small fraction of its raw size', async () => {
    const data = new Uint8Array(720 * 360 * 4).fill(255);
    const png = await encodePngRgba({ width: 720, height: 360, data });
    expect(png.length).toBeLessThan(data.length / 100); // 1,036,800 raw bytes
  });

  it('rejects a raster whose data does not match its size, naming both', async () => {
    await expect(encodePngRgba({ width: 2, height: 2, data: new Uint8Array(15) })).rejects.toThrow(
      /2×2 RGBA raster holds 16 bytes, got 15/,
    );
    await expect(encodePngRgba({ width: 0, height: 2, data: new Uint8Array(0) })).rejects.toBeInstanceOf(
      ChartError,
    );
  });
});

describe('encodePngRgbaStored', () => {
  it('round-trips through fast-png with unfiltered rows in stored blocks, synchronously', () => {
    // 200×100 RGBA = 80,100 bytes of scanlines: two stored deflate blocks (65,535 bytes at most each).
    const width = 200;
    const height = 100;
    const data = new Uint8Array(width * height * 4).map((_, i) => i % 251);
    const png = encodePngRgbaStored({ width, height, data });
    const back = decode(png);
    expect([back.width, back.height, back.channels]).toEqual([width, height, 4]);
    expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(data))).toBe(true);
    // Stored blocks: 8 signature + 25 IHDR + 12 IDAT + 2 zlib header + 2·5 block headers + 4 Adler-32 + 12 IEND.
    expect(png.length).toBe(8 + 25 + 12 + 2 + 10 + height * (width * 4 + 1) + 4 + 12);
    expect(() => encodePngRgbaStored({ width: 2, height: 2, data: new Uint8Array(15) })).toThrow(
      /encodePngRgbaStored: a 2×2 RGBA raster holds 16 bytes, got 15/,
    );
  });
});
