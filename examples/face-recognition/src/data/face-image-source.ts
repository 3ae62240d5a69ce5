import { readFile } from 'node:fs/promises';

import {
  decodeImage,
  preprocessImage,
  unpackImageRecord,
  readInsightfaceLayout,
  type DecodedImage,
  type ImageFolderDataset,
  type RecordIOReader,
} from '@frx/data-readers';
import { openRecordIOFile } from '@frx/data-readers/node';

/** Labelled training images, decoded and resized on demand. */
export interface FaceImageSource {
  /** What was opened, for logs. */
  readonly description: string;
  /** Number of images. */
  readonly size: number;
  /** Number of identities (classes). */
  readonly numClasses: number;
  /** Label of every image, `[size]`. */
  readonly labels: Int32Array;
  /** Image `i`, RGB, `inputSize × inputSize`. */
  image(i: number): Promise<DecodedImage>;
  /** Releases files. */
  close(): Promise<void>;
}

/** Decoded images kept in memory at most (a 112×112 RGB image is 37 KB, so about 190 MB). */
const DEFAULT_CACHE_LIMIT = 5000;

function resized(bytes: Uint8Array, inputSize: number, file: string): DecodedImage {
  return preprocessImage(
    decodeImage(bytes, { file }),
    { height: inputSize, width: inputSize, channels: 3 },
    file,
  );
}

function cached(
  size: number,
  load: (i: number) => Promise<DecodedImage>,
  limit = DEFAULT_CACHE_LIMIT,
): (i: number) => Promise<DecodedImage> {
  if (size > limit) return load;
  const cache = new Map<number, DecodedImage>();
  return async (i) => {
    const hit = cache.get(i);
    if (hit !== undefined) return hit;
    const image = await load(i);
    cache.set(i, image);
    return image;
  };
}

/**
 * Training images from an identity-per-folder listing (`listImageFolder` of `@frx/data-readers/node`):
 * ORL, LFW, CASIA-WebFace unpacked, any torchvision `ImageFolder` tree. Small sets are cached decoded.
 *
 * @param dataset The listing (possibly a split of one).
 * @param inputSize Output side in pixels (bilinear resize, grey replicated to RGB).
 */
export function folderImageSource(dataset: ImageFolderDataset, inputSize: number): FaceImageSource {
  const labels = Int32Array.from(dataset.entries, (e) => e.label);
  const load = async (i: number) => {
    const entry = dataset.entries[i];
    if (entry === undefined)
      throw new RangeError(`image index ${i} is outside [0, ${dataset.entries.length})`);
    return resized(new Uint8Array(await readFile(entry.path)), inputSize, entry.path);
  };
  return {
    description: `${dataset.root}: ${dataset.entries.length} images of ${dataset.classes.length} identities`,
    size: labels.length,
    numClasses: dataset.classes.length,
    labels,
    image: cached(labels.length, load),
    close: () => Promise.resolve(),
  };
}

/**
 * Training images from an insightface `train.rec` + `train.idx` (MS1MV3, Glint360K, WebFace, CASIA packs):
 * labels come from the identity records when the file has insightface's header record, otherwise from
 * every image record's header (im2rec files).
 *
 * @param recPath The `.rec` file; the `.idx` must sit next to it.
 * @param inputSize Output side in pixels.
 * @param maxIdentities Keep the images of labels `< maxIdentities` only (0 = all).
 */
export async function recordIOImageSource(
  recPath: string,
  inputSize: number,
  maxIdentities = 0,
): Promise<FaceImageSource> {
  const reader: RecordIOReader = await openRecordIOFile(recPath);
  const layout = await readInsightfaceLayout(reader);
  let keys = layout.imageKeys;
  let labels = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const record = unpackImageRecord(await reader.readRecord(keys[i]!), {
      file: recPath,
      offset: reader.offsetOf(keys[i]!),
    });
    const label = typeof record.label === 'number' ? record.label : record.label[0]!;
    if (!Number.isInteger(label) || label < 0) {
      throw new RangeError(`${recPath}: record ${keys[i]} has label ${label}, expected an integer >= 0`);
    }
    labels[i] = label;
  }
  if (maxIdentities > 0) {
    const keep = Array.from(labels.keys()).filter((i) => labels[i]! < maxIdentities);
    keys = keep.map((i) => keys[i]!);
    labels = Int32Array.from(keep, (i) => labels[i]!);
  }
  const numClasses = labels.reduce((m, l) => Math.max(m, l + 1), 0);
  const load = async (i: number) => {
    const key = keys[i];
    if (key === undefined) throw new RangeError(`image index ${i} is outside [0, ${keys.length})`);
    const record = unpackImageRecord(await reader.readRecord(key), {
      file: recPath,
      offset: reader.offsetOf(key),
    });
    return resized(record.image, inputSize, `${recPath}#${key}`);
  };
  return {
    description: `${recPath}: ${keys.length} images of ${numClasses} identities`,
    size: keys.length,
    numClasses,
    labels,
    image: cached(keys.length, load),
    close: () => reader.close(),
  };
}
