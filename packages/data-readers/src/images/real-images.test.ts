import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { DataFormatError } from '../errors/data-format-error';
import { createNodeWasmJpegDecoder } from '../streaming/worker-batch-decoder';

import { decodeImage } from './decode-image';

const shared = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const hasShared = existsSync(shared + 'faces/orl');
const real = JSON.parse(readFileSync(fixtures + 'image-real-expected.json', 'utf8')) as Record<
  string,
  { width: number; height: number; rgbSum: number; firstRow: number[] }
>;
const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);

describe.skipIf(!hasShared)('real images in ../shared/data (skipped when that folder is absent)', () => {
  it.each(Object.keys(real))('%s decodes like Pillow', (rel) => {
    const e = real[rel]!;
    const img = decodeImage(new Uint8Array(readFileSync(shared + rel)), { file: rel });
    expect([img.width, img.height, img.channels]).toEqual([e.width, e.height, 3]);
    if (rel.endsWith('.jpg')) {
      // jpeg-js vs libjpeg-turbo: per-pixel differences of a few levels, mean well under one level.
      expect(Math.abs(sum(img.data) - e.rgbSum) / img.data.length).toBeLessThan(1);
    } else {
      expect(sum(img.data)).toBe(e.rgbSum);
      expect(Array.from(img.data.subarray(0, 12))).toEqual(e.firstRow);
    }
  });

  it('ORL: 40 folders x 10 PGM files, all 92x112 grey', () => {
    for (let s = 1; s <= 40; s++) {
      for (let i = 1; i <= 10; i++) {
        const bytes = new Uint8Array(readFileSync(`${shared}faces/orl/s${s}/${i}.pgm`));
        expect(bytes.length).toBe(10_318);
        const img = decodeImage(bytes, { channels: 'native' });
        expect([img.width, img.height, img.channels]).toEqual([92, 112, 1]);
      }
    }
  });

  it.each(Object.keys(real).filter((k) => k.endsWith('.jpg')))(
    '%s: MozJPEG/wasm matches libjpeg-turbo closely',
    async (rel) => {
      const e = real[rel]!;
      const jpeg = await createNodeWasmJpegDecoder();
      const img = await jpeg.decode(new Uint8Array(readFileSync(shared + rel)), { file: rel });
      expect([img.width, img.height]).toEqual([e.width, e.height]);
      expect(Math.abs(sum(img.data) - e.rgbSum) / img.data.length).toBeLessThan(0.05);
    },
  );
});

describe('MozJPEG/wasm decoder', () => {
  const expected = JSON.parse(readFileSync(fixtures + 'image-expected.json', 'utf8')) as Record<
    string,
    { rgb: number[] }
  >;

  it.each(['image-rgb-q95.jpg', 'image-rgb-420.jpg', 'image-grey.jpg'])(
    '%s equals libjpeg-turbo (Pillow) within one level',
    async (name) => {
      const jpeg = await createNodeWasmJpegDecoder();
      const img = await jpeg.decode(new Uint8Array(readFileSync(fixtures + name)), { file: name });
      let worst = 0;
      img.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[name]!.rgb[i]!))));
      expect(worst).toBeLessThanOrEqual(1);
    },
  );

  it('turns truncation, corruption and oversized frames into DataFormatError', async () => {
    const jpeg = await createNodeWasmJpegDecoder();
    const bytes = new Uint8Array(readFileSync(fixtures + 'image-rgb-q95.jpg'));
    for (let n = 0; n < bytes.length; n += 7) {
      await expect(
        jpeg.decode(bytes.subarray(0, n), { file: 'cut.jpg' }),
        `cut at ${n}`,
      ).rejects.toBeInstanceOf(DataFormatError);
    }
    const garbled = bytes.slice();
    for (let i = 400; i < 700; i++) garbled[i] = (i * 13) & 0xff;
    await expect(jpeg.decode(garbled, { file: 'garbled.jpg' })).rejects.toThrow(/garbled\.jpg/);
    await expect(jpeg.decode(bytes, { file: 'limit.jpg', maxPixels: 100 })).rejects.toThrow(
      /exceeds maxPixels/,
    );
    // the decoder still works after errors
    expect((await jpeg.decode(bytes)).width).toBe(14);
  });
});
