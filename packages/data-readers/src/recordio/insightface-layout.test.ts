import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { DataFormatError } from '../errors/data-format-error';
import { packImageRecord, unpackImageRecord } from './image-record';
import { packInsightfaceRecordIO, readInsightfaceLayout } from './insightface-layout';
import { formatRecordIOProperty, parseRecordIOProperty } from './property-file';
import { openRecordIO } from './read-record-io';
import { RecordIOWriter } from './record-io-writer';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))));
const expected = JSON.parse(new TextDecoder().decode(fixture('recordio-expected.json'))) as {
  insightface: Record<string, string>;
  insightfaceImages: Record<string, string[]>;
};
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('insightface RecordIO layout', () => {
  it('reads the header, image keys, labels and identity ranges of a RecBuilder-layout file', async () => {
    const reader = await openRecordIO({
      rec: fixture('recordio-insightface.rec'),
      idx: fixture('recordio-insightface.idx'),
    });
    const layout = await readInsightfaceLayout(reader);
    // 3 images (alice ×2, bob ×1): header [4, 6], images 1..3, identities 4..5.
    expect(layout).toEqual({ hasHeader: true, imageKeys: [1, 2, 3], identityKeys: [4, 6] });
    const labels = [];
    for (const key of layout.imageKeys) labels.push(unpackImageRecord(await reader.readRecord(key)).label);
    expect(labels).toEqual([0, 0, 1]);
    const alice = unpackImageRecord(await reader.readRecord(4));
    expect(alice.flag).toBe(2);
    expect(Array.from(alice.label as Float32Array)).toEqual([1, 3]);
    expect(parseRecordIOProperty(new TextDecoder().decode(fixture('recordio-insightface.property')))).toEqual(
      {
        numClasses: 2,
        height: 112,
        width: 112,
      },
    );
  });

  it('packs identity folders into a byte-identical copy of the Python RecBuilder-layout fixture', async () => {
    const images = expected.insightfaceImages;
    const result = await packInsightfaceRecordIO([
      { name: 'alice', images: images['0']!.map(fromHex) },
      {
        name: 'bob',
        images: images['1']!.map((h, i) => ({
          path: `bob_${i}.jpg`,
          read: () => Promise.resolve(fromHex(h)),
        })),
      },
    ]);
    expect(hex(result.rec!)).toBe(hex(fixture('recordio-insightface.rec')));
    expect(result.idx).toBe(new TextDecoder().decode(fixture('recordio-insightface.idx')));
    expect(formatRecordIOProperty(result.property)).toBe(
      new TextDecoder().decode(fixture('recordio-insightface.property')),
    );
    expect(result.list).toEqual([{ index: 3, labels: [1], path: 'bob/bob_0.jpg' }]);
  });

  it('writes shuffled headerless files (seeded, every image once, label kept) that the loader reads as all-images', async () => {
    const identities = [0, 1, 2].map((label) => ({
      name: `id${label}`,
      images: [0, 1, 2, 3].map((i) => Uint8Array.of(label, i)),
    }));
    const a = await packInsightfaceRecordIO(identities, { header: false, shuffle: true, seed: 7 });
    const b = await packInsightfaceRecordIO(identities, { header: false, shuffle: true, seed: 7 });
    expect(hex(a.rec!)).toBe(hex(b.rec!));
    const reader = await openRecordIO({ rec: a.rec!, idx: a.idx });
    const layout = await readInsightfaceLayout(reader);
    expect(layout.hasHeader).toBe(false);
    expect(layout.imageKeys).toEqual([...Array(12).keys()]);
    const seen: string[] = [];
    for (const key of layout.imageKeys) {
      const { label, image, id } = unpackImageRecord(await reader.readRecord(key));
      expect(image[0]).toBe(label);
      expect(id).toBe(key);
      seen.push(`${image[0]}-${image[1]}`);
    }
    expect(seen).not.toEqual([...seen].sort());
    expect([...seen].sort()).toEqual(identities.flatMap((d, l) => d.images.map((_, i) => `${l}-${i}`)));
    await expect(packInsightfaceRecordIO(identities, { shuffle: true })).rejects.toThrow(
      /shuffle requires header: false/,
    );
    await expect(packInsightfaceRecordIO(identities, { shufle: true } as never)).rejects.toThrow(
      /unknown option "shufle"/,
    );
  });

  it('refuses a header whose identity range does not fit the index (no allocation from the header)', async () => {
    const writer = new RecordIOWriter();
    await writer.write(0, packImageRecord({ label: [100000, 100005], id2: 1 }));
    await writer.write(1, packImageRecord({ label: 0, image: Uint8Array.of(1) }));
    const reader = await openRecordIO({ rec: writer.toBytes(), idx: writer.indexText(), file: 'bad.rec' });
    const error = await readInsightfaceLayout(reader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as DataFormatError).message).toMatch(
      /bad.rec: byte 0: insightface header record label \[100000, 100005\] is not a valid identity range for an index of 2 keys/,
    );
  });
});

describe('image records (IRHeader)', () => {
  it('unpacks a label array (flag > 0) and a scalar label; round-trips through packImageRecord', () => {
    const payload = packImageRecord({ label: [1, 2.5, -3], id: 9, id2: 4, image: Uint8Array.of(0xff, 0xd8) });
    // Worked by hand: 24-byte header + 3 float32 labels + 2 image bytes; flag = 3.
    expect(payload.byteLength).toBe(24 + 12 + 2);
    const record = unpackImageRecord(payload);
    expect(record.flag).toBe(3);
    expect(Array.from(record.label as Float32Array)).toEqual([1, 2.5, -3]);
    expect([record.id, record.id2, Array.from(record.image)]).toEqual([9, 4, [0xff, 0xd8]]);
    expect(unpackImageRecord(packImageRecord({ label: 7 })).label).toBe(7);
  });

  it('rejects short payloads and label arrays running past the end', () => {
    expect(() => unpackImageRecord(new Uint8Array(10), { file: 'x.rec', offset: 40 })).toThrow(
      /x.rec: byte 40: image record of 10 bytes/,
    );
    const payload = packImageRecord({ label: [1, 2] });
    new DataView(payload.buffer).setUint32(0, 1000, true);
    expect(() => unpackImageRecord(payload)).toThrow(
      /flag 1000 announces 1000 float32 labels but only 8 bytes/,
    );
  });
});
