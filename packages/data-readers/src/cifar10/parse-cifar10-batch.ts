import { DataFormatError } from '../errors/data-format-error';

/** CIFAR-10 image side (pixels). */
export const CIFAR10_SIZE = 32;
/** Bytes per record of the binary version: 1 label byte + 3 · 32 · 32 pixel bytes (Krizhevsky 2009). */
export const CIFAR10_RECORD_BYTES = 1 + 3 * 32 * 32;
/** The class names of `batches.meta.txt`, in label order. */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** Images and labels of CIFAR-10 batches. */
export interface Cifar10Batch {
  /** Number of images. */
  count: number;
  /** NHWC uint8 pixels, `count · 32 · 32 · 3`. */
  images: Uint8Array;
  /** Labels 0–9. */
  labels: Uint8Array;
}

/**
 * Parses a CIFAR-10 binary batch (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`): records of one label
 * byte then 1,024 red, 1,024 green and 1,024 blue bytes (row-major 32×32 planes), converted to NHWC.
 * Layout from the CIFAR-10 page (Krizhevsky 2009, "binary version").
 *
 * @param bytes - the file content (a multiple of 3,073 bytes; 30,730,000 for a full batch).
 * @param options - `file`: name for errors.
 * @returns images `[count, 32, 32, 3]` as a flat `Uint8Array` and the labels.
 * @throws DataFormatError for a size that is not a whole number of records or a label above 9, with its offset.
 *
 * @example
 * const batch = parseCifar10Batch(await readFile('cifar-10-batches-bin/test_batch.bin'));
 * batch.count; // 10000
 */
export function parseCifar10Batch(bytes: Uint8Array, options: { file?: string } = {}): Cifar10Batch {
  const file = options.file ?? '<bytes>';
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    const whole = Math.floor(bytes.length / CIFAR10_RECORD_BYTES);
    throw new DataFormatError(
      `CIFAR-10: ${bytes.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records (truncated record ${whole})`,
      { file, offset: whole * CIFAR10_RECORD_BYTES },
    );
  }
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  const plane = CIFAR10_SIZE * CIFAR10_SIZE;
  const images = new Uint8Array(count * plane * 3);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const rec = i * CIFAR10_RECORD_BYTES;
    const label = bytes[rec]!;
    if (label > 9)
      throw new DataFormatError(`CIFAR-10: label ${label} of record ${i} is not in 0–9`, {
        file,
        offset: rec,
      });
    labels[i] = label;
    const out = i * plane * 3;
    for (let p = 0; p < plane; p++) {
      images[out + 3 * p] = bytes[rec + 1 + p]!;
      images[out + 3 * p + 1] = bytes[rec + 1 + plane + p]!;
      images[out + 3 * p + 2] = bytes[rec + 1 + 2 * plane + p]!;
    }
  }
  return { count, images, labels };
}

/**
 * Parses `batches.meta.txt`: one class name per line, in label order (blank lines ignored).
 *
 * @param text - the file content.
 * @returns the class names.
 */
export function parseCifar10Meta(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * Concatenates batches (e.g. the five training batches).
 *
 * @param batches - parsed batches.
 * @returns one batch holding all images in order.
 */
export function concatCifar10Batches(batches: readonly Cifar10Batch[]): Cifar10Batch {
  const count = batches.reduce((n, b) => n + b.count, 0);
  const images = new Uint8Array(count * CIFAR10_RECORD_BYTES - count);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const b of batches) {
    images.set(b.images, at * (CIFAR10_RECORD_BYTES - 1));
    labels.set(b.labels, at);
    at += b.count;
  }
  return { count, images, labels };
}
