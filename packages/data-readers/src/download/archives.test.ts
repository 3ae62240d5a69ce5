import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { DataFormatError } from '../errors/data-format-error';

import { readTar } from './read-tar';
import { readZip } from './read-zip';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const tar = new Uint8Array(gunzipSync(readFileSync(fixtures + 'download-cifar-10-binary.tar.gz')));
const zip = new Uint8Array(readFileSync(fixtures + 'download-Toy.zip'));
const expected = JSON.parse(readFileSync(fixtures + 'download-expected.json', 'utf8')) as {
  members: string[];
};

describe('readTar (archive written by Python tarfile, GNU format)', () => {
  it('lists directories and files with their contents', () => {
    const entries = readTar(tar);
    expect(
      entries
        .filter((e) => e.type === 'file')
        .map((e) => e.name)
        .sort(),
    ).toEqual(expected.members);
    expect(entries.find((e) => e.type === 'directory')?.name).toBe('cifar-10-batches-bin/');
    const meta = entries.find((e) => e.name.endsWith('batches.meta.txt'))!;
    expect(new TextDecoder().decode(meta.data).split('\n')[0]).toBe('airplane');
    expect(entries.find((e) => e.name.endsWith('test_batch.bin'))!.data.length).toBe(2 * 3073);
  });

  it('ends truncations and corruptions in DataFormatError with the header offset', () => {
    for (let n = 1; n < tar.length; n += 997) {
      try {
        readTar(tar.subarray(0, n), { file: 'x.tar' });
      } catch (error) {
        expect(error, `cut at ${n}`).toBeInstanceOf(DataFormatError);
      }
    }
    const sizes = readTar(tar);
    const second = sizes[1]!.offset;
    // a size running past the end (checksum fixed up so the size check is what fires)
    const big = tar.slice();
    big.set(new TextEncoder().encode('77777777777'), second + 124);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : big[second + i]!;
    big.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), second + 148);
    expect(() => readTar(big, { file: 'x.tar' })).toThrow(
      new RegExp(`x\\.tar: byte ${second}: tar: member of \\d+ bytes runs past the end`),
    );
    const badSum = tar.slice();
    badSum[second + 5] = badSum[second + 5]! ^ 1;
    expect(() => readTar(badSum, { file: 'x.tar' })).toThrow(/header checksum mismatch/);
  });
});

describe('readZip (archive written by Python zipfile, deflated)', () => {
  it('inflates the entries', () => {
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['Toy_TRAIN.ts', 'Toy_TEST.ts']);
    expect(new TextDecoder().decode(entries[1]!.data)).toMatch(/7,8,9:b/);
  });

  it('ends every truncation and byte flip in DataFormatError', () => {
    for (let n = 0; n < zip.length; n++) {
      expect(() => readZip(zip.subarray(0, n), { file: 'z.zip' }), `cut at ${n}`).toThrow(DataFormatError);
    }
    let seed = 11;
    for (let trial = 0; trial < 300; trial++) {
      const copy = zip.slice();
      seed = (seed * 1103515245 + 12345) >>> 0;
      copy[seed % copy.length] = copy[seed % copy.length]! ^ (1 + ((seed >>> 8) % 255));
      try {
        readZip(copy, { file: 'z.zip' });
      } catch (error) {
        expect(error, `trial ${trial}: ${String(error)}`).toBeInstanceOf(DataFormatError);
      }
    }
  });

  it('refuses declared sizes above maxBytes before inflating', () => {
    expect(() => readZip(zip, { file: 'z.zip', maxBytes: 10 })).toThrow(/exceeds maxBytes 10/);
  });
});
