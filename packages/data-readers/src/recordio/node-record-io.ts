import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

import { listImageFolder, type ListImageFolderOptions } from '../image-folder/list-image-folder';
import { fileSource } from '../io/file-source';
import { formatImageList } from './image-list';
import { packInsightfaceRecordIO, type PackInsightfaceOptions } from './insightface-layout';
import { formatRecordIOProperty } from './property-file';
import { openRecordIO, type OpenRecordIOOptions, type RecordIOReader } from './read-record-io';

/**
 * Opens `<prefix>.rec` with `<prefix>.idx` from disk (Node). The `.rec` is read by positioned reads, never whole.
 *
 * @param recPath - path of the `.rec`.
 * @param idxPath - path of the `.idx`. Default: `recPath` with `.rec` replaced by `.idx`; pass `null` for none.
 * @param options - `maxRecordBytes` (see {@link OpenRecordIOOptions.maxRecordBytes}).
 * @example
 * ```ts
 * const reader = await openRecordIOFile('faces_emore/train.rec');
 * ```
 */
export async function openRecordIOFile(
  recPath: string,
  idxPath?: string | null,
  options: Pick<OpenRecordIOOptions, 'maxRecordBytes'> = {},
): Promise<RecordIOReader> {
  const idxFile = idxPath === undefined ? recPath.replace(/\.rec$/, '.idx') : idxPath;
  const idx = idxFile === null ? undefined : await readFile(idxFile, 'utf8');
  const rec = await fileSource(recPath);
  try {
    return await openRecordIO({ ...options, rec, ...(idx === undefined ? {} : { idx, idxFile: idxFile! }) });
  } catch (error) {
    await rec.close();
    throw error;
  }
}

/** Options of {@link packImageFolderRecordIO}: packing options plus how to list the folder. */
export interface PackImageFolderOptions extends Omit<PackInsightfaceOptions, 'sink'> {
  /** Passed to `listImageFolder` (extensions, order, minImagesPerIdentity). */
  list?: ListImageFolderOptions;
}

/**
 * Packs an identity-per-folder image tree (`root/<identity>/<image>`) into `<outPrefix>.rec`, `.idx`, `.lst` and a
 * sibling `property` file in insightface's layout (or headerless / shuffled, see {@link packInsightfaceRecordIO}),
 * streaming the `.rec` to disk. Image bytes are stored as they are on disk (no re-encoding).
 *
 * @param root - the image tree.
 * @param outPrefix - output path without extension, e.g. `out/train`.
 * @param options - `header` (default true), `shuffle` (default false), `seed` (default 0), `imageSize`
 *   (default [112, 112]), `list` (folder listing options).
 * @returns image and identity counts.
 * @example
 * ```ts
 * await packImageFolderRecordIO('aligned_faces', 'out/train'); // out/train.rec, .idx, .lst, out/property
 * ```
 */
export async function packImageFolderRecordIO(
  root: string,
  outPrefix: string,
  options: PackImageFolderOptions = {},
): Promise<{ numImages: number; numClasses: number }> {
  const { list: listOptions, ...packOptions } = options;
  const dataset = await listImageFolder(root, listOptions ?? {});
  const identities = dataset.classes.map((name) => ({
    name,
    images: dataset.entries
      .filter((e) => e.identity === name)
      .map((e) => ({ path: basename(e.path), read: async () => new Uint8Array(await readFile(e.path)) })),
  }));
  const stream = createWriteStream(`${outPrefix}.rec`);
  const result = await packInsightfaceRecordIO(identities, {
    ...packOptions,
    sink: async (chunk) => {
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
  });
  stream.end();
  await once(stream, 'finish');
  await writeFile(`${outPrefix}.idx`, result.idx);
  await writeFile(`${outPrefix}.lst`, formatImageList(result.list));
  await writeFile(join(dirname(outPrefix), 'property'), formatRecordIOProperty(result.property));
  return { numImages: result.numImages, numClasses: result.property.numClasses };
}
