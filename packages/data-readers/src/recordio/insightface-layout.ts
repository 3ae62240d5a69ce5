import { createRng, shuffle } from '@frx/tensor-utils';

import { DataFormatError } from '../errors/data-format-error';
import type { ImageListEntry } from './image-list';
import { packImageRecord, unpackImageRecord } from './image-record';
import type { RecordIOProperty } from './property-file';
import type { RecordIOReader } from './read-record-io';
import { RecordIOWriter, type RecordIOSink } from './record-io-writer';

/** How the records of an insightface-style `.rec` are organised. */
export interface InsightfaceLayout {
  /** Whether record 0 is an insightface header (flag > 0). */
  hasHeader: boolean;
  /** Keys of the image records, in reading order. */
  imageKeys: number[];
  /** `[first, end)` keys of the identity records (header files only). */
  identityKeys: [number, number] | undefined;
}

/**
 * Works out which keys of a RecordIO file are images, following insightface's `MXFaceDataset`: when record 0 has
 * flag > 0 it is a header whose label is `[identityStart, identityEnd]` and the images are keys 1 … identityStart − 1;
 * otherwise (im2rec files, shuffled/DALI files) every indexed key is an image. The header's range is checked
 * against the index, so a corrupt header cannot cause a huge allocation.
 *
 * @param reader - an open reader with an index.
 * @example
 * ```ts
 * const { imageKeys } = await readInsightfaceLayout(reader);
 * ```
 */
export async function readInsightfaceLayout(reader: RecordIOReader): Promise<InsightfaceLayout> {
  if (!reader.has(0)) return { hasHeader: false, imageKeys: reader.keys(), identityKeys: undefined };
  const offset = reader.offsetOf(0);
  const header = unpackImageRecord(await reader.readRecord(0), { file: reader.file, offset });
  if (header.flag === 0 || typeof header.label === 'number') {
    return { hasHeader: false, imageKeys: reader.keys(), identityKeys: undefined };
  }
  const [start, end] = header.label;
  const count = reader.keys().length;
  if (
    header.label.length < 2 ||
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start! < 1 ||
    end! < start! ||
    end! > count
  ) {
    throw new DataFormatError(
      `insightface header record label [${Array.from(header.label).join(', ')}] is not a valid identity range for an index of ${count} keys`,
      { file: reader.file, offset },
    );
  }
  const imageKeys: number[] = [];
  for (let key = 1; key < start!; key++) {
    if (!reader.has(key)) {
      throw new DataFormatError(`insightface header announces image key ${key}, which the index lacks`, {
        file: reader.file,
        offset,
      });
    }
    imageKeys.push(key);
  }
  return { hasHeader: true, imageKeys, identityKeys: [start!, end!] };
}

/** One image for {@link packInsightfaceRecordIO}: bytes, or a path plus a loader (read lazily, in output order). */
export type PackImage = Uint8Array | { path: string; read: () => Promise<Uint8Array> };

/** One identity (class) for {@link packInsightfaceRecordIO}. */
export interface PackIdentity {
  /** Name (folder name), used in `.lst` paths. */
  name: string;
  images: readonly PackImage[];
}

/** Options of {@link packInsightfaceRecordIO}. */
export interface PackInsightfaceOptions {
  /** Write insightface's header record 0 and identity records. Default `true`. */
  header?: boolean;
  /** Write the images in a seeded random order (headerless only, like insightface `shuffle_rec.py`). Default `false`. */
  shuffle?: boolean;
  /** Seed for `shuffle`. Default `0`. */
  seed?: number | string;
  /** Image size written to `property` as `[height, width]`. Default `[112, 112]`. */
  imageSize?: [number, number];
  /** Where to send `.rec` bytes (e.g. a file stream); default: in memory, returned as `rec`. */
  sink?: RecordIOSink;
}

/** Result of {@link packInsightfaceRecordIO}. */
export interface PackInsightfaceResult {
  /** The `.rec` bytes (undefined when a sink was given). */
  rec: Uint8Array | undefined;
  /** The `.idx` text. */
  idx: string;
  /** The `property` content. */
  property: RecordIOProperty;
  /** im2rec-style list of the image records that have a path. */
  list: ImageListEntry[];
  numImages: number;
}

/**
 * Packs identity-per-folder images into an insightface-layout RecordIO, like insightface's `RecBuilder`: record 0
 * is the header `[identityStart, identityEnd]`, records 1 … N are the images sorted by identity (label = identity
 * index, id = record key), then one record per identity holding its `[firstImage, endImage)` key range. With
 * `header: false` the images alone are written with keys 0 … N − 1 (im2rec layout), optionally shuffled.
 * Images are stored as given (no re-encoding).
 *
 * @param identities - identities in label order (label = position in this list).
 * @param options - see {@link PackInsightfaceOptions}.
 * @example
 * ```ts
 * const { rec, idx, property } = await packInsightfaceRecordIO([
 *   { name: 'alice', images: [jpegA1, jpegA2] },
 *   { name: 'bob', images: [jpegB1] },
 * ]);
 * ```
 */
export async function packInsightfaceRecordIO(
  identities: readonly PackIdentity[],
  options: PackInsightfaceOptions = {},
): Promise<PackInsightfaceResult> {
  const allowed = new Set(['header', 'shuffle', 'seed', 'imageSize', 'sink']);
  for (const name of Object.keys(options)) {
    if (!allowed.has(name)) throw new TypeError(`packInsightfaceRecordIO: unknown option "${name}"`);
  }
  const header = options.header ?? true;
  const shuffled = options.shuffle ?? false;
  if (header && shuffled) {
    throw new TypeError(
      'packInsightfaceRecordIO: shuffle requires header: false (the header layout needs images sorted by identity)',
    );
  }
  const [height, width] = options.imageSize ?? [112, 112];
  const items = identities.flatMap((identity, label) =>
    identity.images.map((image) => ({ image, label, identity })),
  );
  if (shuffled) shuffle(items, createRng(options.seed ?? 0));
  const writer = new RecordIOWriter(options.sink ? { sink: options.sink } : {});
  const list: ImageListEntry[] = [];
  const first = header ? 1 : 0;
  const ranges = identities.map(() => [Infinity, -Infinity]);
  if (header) {
    const identityStart = items.length + 1;
    await writer.write(
      0,
      packImageRecord({ label: [identityStart, identityStart + identities.length], id: 0, id2: 1 }),
    );
  }
  for (const [i, { image, label, identity }] of items.entries()) {
    const key = first + i;
    const bytes = image instanceof Uint8Array ? image : await image.read();
    await writer.write(key, packImageRecord({ label, id: key, image: bytes }));
    if (!(image instanceof Uint8Array))
      list.push({ index: key, labels: [label], path: `${identity.name}/${image.path}` });
    const range = ranges[label]!;
    range[0] = Math.min(range[0]!, key);
    range[1] = Math.max(range[1]!, key + 1);
  }
  if (header) {
    for (const [label, range] of ranges.entries()) {
      const key = items.length + 1 + label;
      const [begin, end] = Number.isFinite(range[0]) ? range : [key, key];
      await writer.write(key, packImageRecord({ label: [begin!, end!], id: key }));
    }
  }
  return {
    rec: options.sink ? undefined : writer.toBytes(),
    idx: writer.indexText(),
    property: { numClasses: identities.length, height, width },
    list,
    numImages: items.length,
  };
}
