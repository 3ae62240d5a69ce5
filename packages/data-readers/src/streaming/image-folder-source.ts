import { readFile } from 'node:fs/promises';

import type { ImageFolderDataset } from '../image-folder/image-folder-dataset';

import type { ImageSampleSource } from './image-sample-source';

/**
 * A sample source that reads the files of an {@link ImageFolderDataset} on demand (no decoding here: the batch
 * decoder does that, possibly in worker threads). Node only.
 *
 * @param dataset - output of `listImageFolder` or a split of it.
 * @returns the source; labels are the dataset's labels.
 *
 * @example
 * const source = imageFolderSource(await listImageFolder('data/orl'));
 */
export function imageFolderSource(dataset: ImageFolderDataset): ImageSampleSource {
  return {
    size: dataset.entries.length,
    label: (i) => dataset.entries[i]!.label,
    read: async (i) => new Uint8Array(await readFile(dataset.entries[i]!.path)),
    describe: (i) => dataset.entries[i]!.path,
  };
}
