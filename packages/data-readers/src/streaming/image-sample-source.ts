import type { Cifar10Batch } from '../cifar10/parse-cifar10-batch';
import type { DecodedImage } from '../images/decoded-image';

/** Random-access samples for {@link createImageBatchStream}: encoded files or decoded pixels, with labels. */
export interface ImageSampleSource {
  /** Number of samples. */
  readonly size: number;
  /** Integer label of sample `index`. */
  label(index: number): number;
  /** Encoded bytes (JPEG, PNG, …) or decoded pixels of sample `index`. */
  read(index: number): Promise<Uint8Array | DecodedImage> | Uint8Array | DecodedImage;
  /** A name for error messages (a path). Default `sample <index>`. */
  describe?(index: number): string;
}

/**
 * A source over in-memory samples.
 *
 * @param items - `{ data, label, name? }` per sample (`data` encoded or decoded).
 * @returns the source.
 *
 * @example
 * const source = arrayImageSource(files.map((bytes, i) => ({ data: bytes, label: labels[i] })));
 */
export function arrayImageSource(
  items: readonly { data: Uint8Array | DecodedImage; label: number; name?: string }[],
): ImageSampleSource {
  return {
    size: items.length,
    label: (i) => items[i]!.label,
    read: (i) => items[i]!.data,
    describe: (i) => items[i]!.name ?? `sample ${i}`,
  };
}

/**
 * A source over a CIFAR-10 batch (NHWC uint8 records; no decoding needed).
 *
 * @param batch - output of `parseCifar10Batch` / `loadCifar10`.
 * @returns 32×32 RGB samples with labels 0–9.
 */
export function cifar10Source(batch: Cifar10Batch): ImageSampleSource {
  const size = 32 * 32 * 3;
  return {
    size: batch.count,
    label: (i) => batch.labels[i]!,
    read: (i): DecodedImage => ({
      width: 32,
      height: 32,
      channels: 3,
      data: batch.images.subarray(i * size, (i + 1) * size),
    }),
    describe: (i) => `CIFAR-10 record ${i}`,
  };
}
