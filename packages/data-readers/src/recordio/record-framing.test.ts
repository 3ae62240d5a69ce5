import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { parseRecordIOIndex } from './index-file';
import { openRecordIO } from './read-record-io';
import { encodeRecord } from './record-framing';
import { RecordIOWriter } from './record-io-writer';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))));
const expected = JSON.parse(new TextDecoder().decode(fixture('recordio-expected.json'))) as {
  multipart: Record<string, string>;
};
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('encodeRecord / RecordIOWriter', () => {
  it('frames a record with magic, length and zero padding to 4 bytes (dmlc-core layout, worked by hand)', () => {
    // 5-byte payload: header 0A23D7CE + lrecord 5 (cflag 0), payload, 3 padding bytes.
    expect(hex(encodeRecord(Uint8Array.of(1, 2, 3, 4, 5)))).toBe(
      '0a23d7ce05000000' + '0102030405' + '000000',
    );
  });

  it('splits at aligned magic exactly like the Python reference writer (byte-identical .rec and .idx)', async () => {
    // Same keys and payloads, same order, as scripts/recordio_fixtures.py.
    const writer = new RecordIOWriter();
    for (const key of [5, 2, 9, 1, 3, 4, 0])
      await writer.write(key, fromHex(expected.multipart[String(key)]!));
    expect(hex(writer.toBytes())).toBe(hex(fixture('recordio-multipart.rec')));
    expect(writer.indexText()).toBe(new TextDecoder().decode(fixture('recordio-multipart.idx')));
  });

  it('round-trips payloads full of magic at every alignment through the reader', async () => {
    const magic = [0x0a, 0x23, 0xd7, 0xce];
    const payloads = [0, 1, 2, 3, 4, 7, 8].map((shift) => {
      const bytes = new Uint8Array(shift + 24).fill(0x55);
      for (let i = shift; i + 4 <= bytes.length; i += 4) bytes.set(magic, i);
      return bytes;
    });
    const writer = new RecordIOWriter();
    for (const [i, p] of payloads.entries()) await writer.write(i, p);
    const reader = await openRecordIO({ rec: writer.toBytes(), idx: writer.indexText() });
    for (const [i, p] of payloads.entries()) expect(hex(await reader.readRecord(i))).toBe(hex(p));
    expect(parseRecordIOIndex(writer.indexText()).map((e) => e.key)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('streams to a sink and rejects duplicate keys', async () => {
    const chunks: Uint8Array[] = [];
    const writer = new RecordIOWriter({ sink: (chunk) => void chunks.push(chunk) });
    expect(await writer.write(3, Uint8Array.of(9))).toBe(0);
    expect(await writer.write(4, Uint8Array.of(9, 9, 9, 9))).toBe(12);
    expect(chunks.map((c) => c.byteLength)).toEqual([12, 12]);
    await expect(writer.write(3, Uint8Array.of(1))).rejects.toThrow(/duplicate key 3/);
    expect(() => writer.toBytes()).toThrow(/sink/);
  });
});
