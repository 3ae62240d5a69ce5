import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { DataFormatError } from '../errors/data-format-error';
import { bytesSource } from '../io/byte-source';
import { unpackImageRecord } from './image-record';
import { openRecordIO } from './read-record-io';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))));
const expected = JSON.parse(new TextDecoder().decode(fixture('recordio-expected.json'))) as {
  multipart: Record<string, string>;
};
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const sampleDir = fileURLToPath(
  new URL('../../../../../shared/data/recordio/adaface-sample/', import.meta.url),
);
const hasSample = existsSync(`${sampleDir}train.rec`);

describe.skipIf(!hasSample)(
  'openRecordIO on the MXNet-written AdaFace sample (../shared/data; skipped when absent)',
  () => {
    const rec = () => new Uint8Array(readFileSync(`${sampleDir}train.rec`));
    const idx = () => readFileSync(`${sampleDir}train.idx`, 'utf8');
    // train.lst: "index<TAB>label<TAB>path" for the 8 JPEGs MXNet packed (im2rec, no insightface header).
    // Read inside the tests: describe.skipIf still runs this body when the sample is absent.
    const readList = () =>
      readFileSync(`${sampleDir}train.lst`, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('\t'));

    it('reads every indexed record and recovers the exact source JPEG bytes and labels', async () => {
      const reader = await openRecordIO({ rec: rec(), idx: idx(), file: 'train.rec' });
      expect(reader.keys()).toEqual([0, 4, 7, 5, 1, 6, 3, 2]);
      for (const [index, label, path] of readList()) {
        const record = unpackImageRecord(await reader.readRecord(Number(index)));
        const source = new Uint8Array(readFileSync(`${sampleDir}faces_webface_112x112/${path}`));
        expect(record.flag).toBe(0);
        expect(record.label).toBe(Number(label));
        expect(record.id).toBe(Number(index));
        expect(record.image.byteLength).toBe(source.byteLength);
        expect(hex(record.image)).toBe(hex(source));
      }
    });

    it('iterates all 8 records in file order with their keys', async () => {
      const reader = await openRecordIO({ rec: rec(), idx: idx() });
      const seen: [number, number | undefined][] = [];
      for await (const { offset, key } of reader) seen.push([offset, key]);
      expect(seen).toEqual([
        [0, 0],
        [5500, 4],
        [11228, 7],
        [16648, 5],
        [21660, 1],
        [26504, 6],
        [33296, 3],
        [38568, 2],
      ]);
    });
  },
);

describe('openRecordIO on multi-part records (fixture from scripts/recordio_fixtures.py)', () => {
  it('rejoins split parts with the magic re-inserted, by key and in file order', async () => {
    const reader = await openRecordIO({
      rec: fixture('recordio-multipart.rec'),
      idx: fixture('recordio-multipart.idx'),
    });
    for (const [key, payload] of Object.entries(expected.multipart)) {
      expect(hex(await reader.readRecord(Number(key))), `key ${key}`).toBe(payload);
    }
    const inOrder: string[] = [];
    for await (const { key, payload } of reader) {
      expect(hex(payload)).toBe(expected.multipart[String(key)]);
      inOrder.push(String(key));
    }
    expect(inOrder).toEqual(['5', '2', '9', '1', '3', '4', '0']);
  });

  it('iterates without an index', async () => {
    const reader = await openRecordIO({ rec: bytesSource(fixture('recordio-multipart.rec')) });
    let count = 0;
    for await (const record of reader) {
      expect(record.key).toBeUndefined();
      count++;
    }
    expect(count).toBe(7);
    expect(reader.keys()).toEqual([]);
  });
});

describe('openRecordIO bad input', () => {
  const rec = fixture('recordio-multipart.rec');
  const idx = new TextDecoder().decode(fixture('recordio-multipart.idx'));

  const readEverything = async (bytes: Uint8Array, index?: string) => {
    const reader = await openRecordIO({
      rec: bytes,
      file: 'fuzz.rec',
      ...(index === undefined ? {} : { idx: index }),
    });
    for (const key of reader.keys()) await reader.readRecord(key);
    for await (const record of reader) void record;
  };

  it('names the file and offset for wrong magic', async () => {
    const bad = rec.slice();
    bad[0] = 0;
    const error = await readEverything(bad, idx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as DataFormatError).file).toBe('fuzz.rec');
    expect((error as DataFormatError).offset).toBe(0);
    expect((error as Error).message).toMatch(/bad RecordIO magic 0xced72300/);
  });

  it('rejects a length running past the end', async () => {
    const bad = rec.slice();
    new DataView(bad.buffer).setUint32(4, 0x1fffffff, true);
    await expect(readEverything(bad)).rejects.toThrow(/record length 536870911 runs past the end/);
  });

  it('rejects index offsets out of range and malformed index lines, naming the line', async () => {
    await expect(openRecordIO({ rec, idx: '0\t0\n1\t99999\n' })).rejects.toThrow(/line 2.*past the end/);
    await expect(openRecordIO({ rec, idx: '0\t0\nnot a line\n' })).rejects.toThrow(
      /line 2: malformed index line/,
    );
    await expect(openRecordIO({ rec, idx: '0\t0\n0\t16\n' })).rejects.toThrow(/duplicate key 0/);
  });

  it('rejects a part that does not start a record and an orphan continuation', async () => {
    // Offset of key 2's second part: key 2 starts at byte 72 (see the .idx) and its first part holds "ABCD" after an 8-byte header.
    const secondPart = 72 + 12;
    const reader = await openRecordIO({ rec, idx: `7\t${secondPart}\n` });
    await expect(reader.readRecord(7)).rejects.toThrow(/continuation flag 3, expected 0 or 1/);
  });

  it('rejects unknown options', async () => {
    await expect(openRecordIO({ rec, idex: idx } as never)).rejects.toThrow(/unknown option "idex"/);
  });

  it('ends every truncation and every single-byte corruption in a DataFormatError or a valid read', async () => {
    for (let length = 0; length < rec.byteLength; length++) {
      await expect(readEverything(rec.slice(0, length), idx)).rejects.toBeInstanceOf(DataFormatError);
    }
    for (let at = 0; at < rec.byteLength; at++) {
      for (const value of [0x00, 0xff, 0x0a, 0xce]) {
        const bad = rec.slice();
        bad[at] = value;
        const error = await readEverything(bad, idx).catch((e: unknown) => e);
        if (error !== undefined) expect(error, `byte ${at} = ${value}`).toBeInstanceOf(DataFormatError);
      }
    }
  });
});
