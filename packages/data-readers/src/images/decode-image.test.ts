import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { DataFormatError, DataLimitError } from '../errors/data-format-error';

import { decodeBmp } from './decode-bmp';
import { decodeImage, sniffImageFormat } from './decode-image';
import { decodeJpeg } from './decode-jpeg';
import { decodePng } from './decode-png';
import { decodePnm } from './decode-pnm';
import { readJpegDimensions } from './jpeg-dimensions';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(fixtures + name));
interface Expected {
  width: number;
  height: number;
  nativeChannels: number;
  native: number[];
  rgb?: number[];
}
const expected = JSON.parse(readFileSync(fixtures + 'image-expected.json', 'utf8')) as Record<
  string,
  Expected
>;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
const MEAN_420_TOLERANCE = 12;

// Pillow wrote and decoded these files; lossless formats must match exactly.
const lossless = [
  'image-rgb.png',
  'image-grey.png',
  'image-rgba.png',
  'image-palette.png',
  'image-1bit.png',
  'image-rgb.bmp',
  'image-palette.bmp',
  'image-grey.bmp',
  'image-rgb.ppm',
  'image-grey.pgm',
  'image-palette.gif',
  'image-ascii-maxval15.pgm',
  'image-ascii-maxval1000.ppm',
  'image-16bit.pgm',
];

describe('decodeImage against Pillow', () => {
  it.each(lossless)('%s decodes exactly', (name) => {
    const e = expected[name]!;
    const image = decodeImage(read(name), { file: name, channels: 'native' });
    expect([image.width, image.height]).toEqual([e.width, e.height]);
    // BMP and GIF have no grey mode: our decoders emit RGB where Pillow reports palette/grey.
    if (image.channels === e.nativeChannels) expect(maxAbsDiff(image.data, e.native)).toBe(0);
    if (e.rgb) expect(maxAbsDiff(decodeImage(read(name), { file: name }).data, e.rgb)).toBe(0);
  });

  it('grey + alpha PNG keeps the grey channel', () => {
    const e = expected['image-grey-alpha.png']!;
    const image = decodePng(read('image-grey-alpha.png'));
    expect(image.channels).toBe(1);
    expect(maxAbsDiff(image.data, e.native)).toBe(0);
  });

  it.each(['image-rgb-q95.jpg', 'image-grey.jpg'])(
    '%s (4:4:4) matches libjpeg within a few levels (jpeg-js)',
    (name) => {
      const e = expected[name]!;
      const image = decodeJpeg(read(name));
      expect([image.width, image.height, image.channels]).toEqual([e.width, e.height, 3]);
      // jpeg-js uses its own IDCT; libjpeg-turbo (Pillow) differs by a few levels at most.
      expect(maxAbsDiff(image.data, e.rgb!)).toBeLessThanOrEqual(6);
    },
  );

  it('4:2:0 JPEG matches libjpeg on average (jpeg-js upsamples chroma without smoothing)', () => {
    const e = expected['image-rgb-420.jpg']!;
    const image = decodeJpeg(read('image-rgb-420.jpg'));
    // A synthetic picture with a chroma edge every two pixels is the worst case for the upsampling difference.
    expect(meanAbsDiff(image.data, e.rgb!)).toBeLessThan(MEAN_420_TOLERANCE);
  });

  it('sniffs formats from magic bytes, not names', () => {
    expect(sniffImageFormat(read('image-rgb-q95.jpg'))).toBe('jpeg');
    expect(sniffImageFormat(read('image-rgb.png'))).toBe('png');
    expect(sniffImageFormat(read('image-palette.gif'))).toBe('gif');
    expect(sniffImageFormat(read('image-rgb.bmp'))).toBe('bmp');
    expect(sniffImageFormat(read('image-grey.pgm'))).toBe('pnm');
    expect(sniffImageFormat(new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('converts grey to RGB and RGB to BT.601 grey', () => {
    const grey = decodeImage(read('image-grey.pgm'));
    expect(grey.channels).toBe(3);
    expect(grey.data[0]).toBe(grey.data[1]);
    const luma = decodeImage(read('image-rgb.ppm'), { channels: 1 });
    const rgb = expected['image-rgb.ppm']!.native;
    expect(luma.data[5]).toBe(Math.round(0.299 * rgb[15]! + 0.587 * rgb[16]! + 0.114 * rgb[17]!));
  });

  it('reads JPEG frame sizes from the SOF marker', () => {
    expect(readJpegDimensions(read('image-rgb-420.jpg'))).toEqual({ width: 14, height: 18, components: 3 });
  });

  it('rejects unknown options and formats', () => {
    expect(() => decodeImage(read('image-rgb.png'), { colour: 3 } as never)).toThrow(
      /unknown option "colour"/,
    );
    expect(() => decodeImage(new Uint8Array([0, 1, 2, 3]), { file: 'x.bin' })).toThrow(DataFormatError);
  });
});

// Fuzz-style: every corruption must end in a DataFormatError that names the file, never a crash, hang or huge allocation.
describe('decoders on bad input', () => {
  const files = [...lossless, 'image-rgb-q95.jpg', 'image-rgb-420.jpg', 'image-grey-alpha.png'];

  it.each(files)('%s truncated at every length ends in DataFormatError', (name) => {
    const bytes = read(name);
    const step = Math.max(1, Math.floor(bytes.length / 60));
    // Accepted prefixes: a GIF without its one-byte trailer, and an ASCII PNM whose last number lost digits.
    const lenient = name.endsWith('.gif') ? 1 : name.includes('ascii') ? 3 : 0;
    for (let n = 0; n < bytes.length - lenient; n += n < 64 ? 1 : step) {
      let error: unknown = null;
      try {
        decodeImage(bytes.subarray(0, n), { file: name });
      } catch (e) {
        error = e;
      }
      expect(error, `${name} cut at ${n}`).toBeInstanceOf(DataFormatError);
      expect((error as DataFormatError).file).toBe(name);
    }
  });

  it.each(files)('%s with flipped bytes never throws anything but DataFormatError', (name) => {
    const bytes = read(name);
    let seed = 7;
    for (let trial = 0; trial < 40; trial++) {
      const copy = bytes.slice();
      for (let k = 0; k < 3; k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const at = 2 + (seed % (copy.length - 2));
        copy[at] = (seed >>> 8) & 0xff;
      }
      try {
        const image = decodeImage(copy, { file: name, channels: 'native' });
        expect(image.data.length).toBe(image.width * image.height * image.channels);
      } catch (error) {
        expect(error, `${name} trial ${trial}: ${String(error)}`).toBeInstanceOf(DataFormatError);
      }
    }
  });

  it('refuses oversized headers before allocating', () => {
    const pnm = new TextEncoder().encode('P5 100000 100000 255\n');
    expect(() => decodePnm(pnm, { file: 'big.pgm' })).toThrow(/exceeds maxPixels/);
    const bmp = read('image-rgb.bmp').slice();
    new DataView(bmp.buffer).setInt32(18, 1 << 30, true);
    expect(() => decodeBmp(bmp, { file: 'big.bmp' })).toThrow(/exceeds maxPixels|runs past/);
    const png = read('image-rgb.png').slice();
    new DataView(png.buffer).setUint32(16, 1 << 20);
    new DataView(png.buffer).setUint32(20, 1 << 20);
    expect(() => decodePng(png, { file: 'big.png' })).toThrow(/exceeds maxPixels/);
    const jpeg = read('image-rgb-q95.jpg');
    expect(() => decodeJpeg(jpeg, { file: 'small-limit.jpg', maxPixels: 10 })).toThrow(DataFormatError);
  });

  it('names the byte offset for PNM header errors', () => {
    const bad = new TextEncoder().encode('P5 3 x 255\n');
    try {
      decodePnm(bad, { file: 'bad.pgm' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DataFormatError);
      expect((error as DataFormatError).offset).toBe(5);
      expect((error as Error).message).toMatch(/^bad\.pgm: byte 5: PNM: expected height/);
    }
    expect(() => decodePnm(new TextEncoder().encode('P4 1 1\n\0'))).toThrow(/unsupported magic P4/);
  });
});

describe('decoders on hostile input (issue 14)', () => {
  // A chunk with its CRC (PNG §5.3), for hand-built PNGs.
  const pngChunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };

  it('refuses a 65535x65535 GIF frame in a 1x1 screen (35 bytes) at once', () => {
    const gif = Uint8Array.from([
      ...Buffer.from('GIF89a'),
      1,
      0,
      1,
      0,
      0x80,
      0,
      0,
      0,
      0,
      0,
      255,
      255,
      255,
      0x2c,
      0,
      0,
      0,
      0,
      0xff,
      0xff,
      0xff,
      0xff,
      0,
      2,
      2,
      0x4c,
      0x01,
      0,
      0x3b,
    ]);
    const start = performance.now();
    expect(() => decodeImage(gif, { file: 'frame.gif' })).toThrow(
      /frame.gif: byte 29: GIF: first frame 65535x65535/,
    );
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('refuses a GIF whose LZW codes run ahead of the code table (omggif looped forever; fuzz finding)', () => {
    const gif = Buffer.from(
      '47494638396104000400810000010000ff000000ff00ffffff21ff0b4e45545343414045322e3003010000002c00000000040004' +
        '0000020744340a0186ca0a0021f904000a0000002c01000100020002000002028c53003b',
      'hex',
    );
    expect(() => decodeImage(gif, { file: 'lzw.gif' })).toThrow(
      /lzw.gif: byte 60: GIF: LZW code 10 is not in the code table/,
    );
  });

  it('refuses a 1x1 PNG whose IDAT inflates to 64 MB, inflating in slices (no 64 MB buffer)', () => {
    const ihdr = new Uint8Array(13);
    ihdr.set([0, 0, 0, 1, 0, 0, 0, 1, 8, 0]);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr),
      pngChunk('IDAT', deflateSync(Buffer.alloc(64 * 2 ** 20))),
      pngChunk('IEND', new Uint8Array(0)),
    ]);
    const start = performance.now();
    expect(() => decodeImage(png, { file: 'bomb.png' })).toThrow(
      /bomb.png: byte 33: PNG: IDAT inflates to more than/,
    );
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('refuses a 1.4 KB JPEG whose SOF says 9000x9000 with a DataLimitError, before decoding', () => {
    const jpeg = read('image-rgb-420.jpg').slice();
    const view = new DataView(jpeg.buffer);
    const sof = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0);
    view.setUint16(sof + 5, 9000);
    view.setUint16(sof + 7, 9000);
    const start = performance.now();
    expect(() => decodeImage(jpeg, { file: 'sof.jpg' })).toThrow(DataLimitError);
    expect(() => decodeImage(jpeg, { file: 'sof.jpg' })).toThrow(/sof.jpg: byte \d+: JPEG: memory to decode/);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
