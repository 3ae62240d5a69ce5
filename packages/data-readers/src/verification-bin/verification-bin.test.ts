import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { DataFormatError } from '../errors/data-format-error';
import { readVerificationBin } from './read-verification-bin';
import { writeVerificationBin } from './write-verification-bin';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))));
const expected = JSON.parse(new TextDecoder().decode(fixture('bin-expected.json'))) as {
  images: string[];
  issame: boolean[];
};
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

const ENCODINGS = [
  ['bin-py2-p2.bin', 'Python 2 str (SHORT_BINSTRING/BINSTRING), protocol 2'],
  ['bin-py3-p2.bin', 'Python 3 bytes at protocol 2 (_codecs.encode latin1)'],
  ['bin-py3-p3.bin', 'Python 3 bytes, protocol 3'],
  ['bin-py3-p4.bin', 'Python 3 bytes, protocol 4 (FRAME, MEMOIZE)'],
  ['bin-py3-p5.bin', 'Python 3 bytes, protocol 5'],
  ['bin-numpy-p2.bin', 'numpy uint8 arrays + numpy bools, protocol 2'],
  ['bin-numpy-p4.bin', 'numpy uint8 arrays + numpy bools, protocol 4'],
  ['bin-numpy-p5.bin', 'numpy uint8 arrays via _frombuffer/BYTEARRAY8, protocol 5'],
] as const;

describe('readVerificationBin on files written by Python (scripts/bin_fixtures.py)', () => {
  for (const [name, what] of ENCODINGS) {
    it(`reads ${what}`, () => {
      const { images, issame } = readVerificationBin(fixture(name), { file: name });
      expect(images.map(hex)).toEqual(expected.images);
      expect(issame).toEqual(expected.issame);
    });
  }
});

describe('writeVerificationBin', () => {
  const bin = { images: expected.images.map(fromHex), issame: expected.issame };

  for (const protocol of [2, 3, 4] as const) {
    it(`round-trips at protocol ${protocol}`, () => {
      const back = readVerificationBin(writeVerificationBin(bin, { protocol }));
      expect(back.images.map(hex)).toEqual(expected.images);
      expect(back.issame).toEqual(expected.issame);
    });
  }

  it('writes protocol 2 byte-for-byte like a Python-2 pickler minus the memo (same opcodes and lengths)', () => {
    // The Python 2 fixture differs only by BINPUT memo opcodes (2 bytes each): one per list and per image,
    // except the empty image, which CPython memoises too; the tuple is memoised as well.
    const ours = writeVerificationBin(bin, { protocol: 2 });
    const python = fixture('bin-py2-p2.bin');
    const memoOps = 2 /* lists */ + bin.images.length + 1; /* tuple */
    expect(python.byteLength - ours.byteLength).toBe(2 * memoOps);
  });

  it('splits APPENDS into batches of 1000 like CPython and handles 1200 pairs', () => {
    const images = Array.from({ length: 2400 }, (_, i) => Uint8Array.of(i % 256, 7));
    const issame = Array.from({ length: 1200 }, (_, i) => i % 3 === 0);
    const back = readVerificationBin(writeVerificationBin({ images, issame }));
    expect(back.images.length).toBe(2400);
    expect(back.issame).toEqual(issame);
  });

  it('rejects mismatched counts and unknown options', () => {
    expect(() => writeVerificationBin({ images: [new Uint8Array(1)], issame: [true] })).toThrow(
      /1 images for 1 pairs/,
    );
    expect(() => writeVerificationBin(bin, { protocl: 2 } as never)).toThrow(/unknown option "protocl"/);
  });
});

describe('readVerificationBin bad input', () => {
  it('names the file for a wrong structure', () => {
    const list = Uint8Array.of(0x80, 2, 0x5d, 0x2e);
    expect(() => readVerificationBin(list, { file: 'lfw.bin' })).toThrow(/lfw.bin: expected a pickled pair/);
    // Hand-assembled protocol 3: ([b'\t', b'\t', b'\t'], [True]).
    const threeImages = Uint8Array.of(
      0x80,
      3,
      0x5d,
      0x28,
      0x43,
      1,
      9,
      0x43,
      1,
      9,
      0x43,
      1,
      9,
      0x65,
      0x5d,
      0x88,
      0x61,
      0x86,
      0x2e,
    );
    expect(() => readVerificationBin(threeImages)).toThrow(/3 images for 1 pairs/);
  });

  it('ends every truncation of every fixture in a DataFormatError', () => {
    for (const [name] of ENCODINGS) {
      const bytes = fixture(name);
      for (let length = 0; length < bytes.byteLength; length++) {
        expect(() => readVerificationBin(bytes.slice(0, length), { file: name })).toThrow(DataFormatError);
      }
    }
  });
});
