import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { DataFormatError } from '../errors/data-format-error';

import { loadCifar10 } from './load-cifar10';
import {
  CIFAR10_RECORD_BYTES,
  concatCifar10Batches,
  parseCifar10Batch,
  parseCifar10Meta,
} from './parse-cifar10-batch';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const bytes = new Uint8Array(readFileSync(fixtures + 'cifar-small.bin'));
const expected = JSON.parse(readFileSync(fixtures + 'cifar-expected.json', 'utf8')) as {
  labels: number[];
  pixel_r5_c7: number[][];
  sum: number;
  firstPixels: number[];
};

describe('parseCifar10Batch', () => {
  it('converts planes to NHWC like NumPy transpose(0, 2, 3, 1)', () => {
    const batch = parseCifar10Batch(bytes);
    expect(batch.count).toBe(3);
    expect(Array.from(batch.labels)).toEqual(expected.labels);
    expect(Array.from(batch.images.subarray(0, 6))).toEqual(expected.firstPixels);
    for (let i = 0; i < 3; i++) {
      const at = ((i * 32 + 5) * 32 + 7) * 3;
      expect(Array.from(batch.images.subarray(at, at + 3))).toEqual(expected.pixel_r5_c7[i]);
    }
    expect(batch.images.reduce((s, v) => s + v, 0)).toBe(expected.sum);
  });

  it('concatenates batches and reads batches.meta.txt', () => {
    const both = concatCifar10Batches([parseCifar10Batch(bytes), parseCifar10Batch(bytes)]);
    expect(both.count).toBe(6);
    expect(both.images.length).toBe(6 * 3072);
    expect(Array.from(both.labels)).toEqual([...expected.labels, ...expected.labels]);
    expect(parseCifar10Meta('airplane\nautomobile\n\n')).toEqual(['airplane', 'automobile']);
  });

  it('rejects truncation and bad labels with the record offset', () => {
    for (const n of [0, 1, 3072, 3074, bytes.length - 1]) {
      expect(() => parseCifar10Batch(bytes.subarray(0, n), { file: 'b.bin' }), `length ${n}`).toThrow(
        DataFormatError,
      );
    }
    try {
      parseCifar10Batch(bytes.subarray(0, CIFAR10_RECORD_BYTES + 5), { file: 'b.bin' });
    } catch (error) {
      expect((error as DataFormatError).offset).toBe(CIFAR10_RECORD_BYTES);
    }
    const bad = bytes.slice();
    bad[CIFAR10_RECORD_BYTES * 2] = 10;
    expect(() => parseCifar10Batch(bad, { file: 'b.bin' })).toThrow(
      /b\.bin: byte 6146: CIFAR-10: label 10 of record 2/,
    );
  });
});

describe('loadCifar10', () => {
  const root = mkdtempSync(join(tmpdir(), 'frx-cifar-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds the batch files below the given folder', async () => {
    const dir = join(root, 'cifar-10-batches-bin');
    mkdirSync(dir);
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), bytes);
    writeFileSync(join(dir, 'test_batch.bin'), bytes.subarray(0, CIFAR10_RECORD_BYTES));
    const ds = await loadCifar10(root);
    expect(ds.train.count).toBe(15);
    expect(ds.test.count).toBe(1);
    expect(ds.classes[9]).toBe('truck');
    rmSync(join(dir, 'data_batch_3.bin'));
    await expect(loadCifar10(root)).rejects.toThrow(/data_batch_3\.bin not found/);
  });
});
