import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import {
  sortNames,
  type ImageFolderDataset,
  type ImageFolderEntry,
  type NameOrder,
} from './image-folder-dataset';

/** File extensions {@link listImageFolder} accepts by default (lower case, without the dot). */
export const IMAGE_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'pgm', 'ppm', 'pnm', 'gif', 'bmp'];

/** Options of {@link listImageFolder}. */
export interface ListImageFolderOptions {
  /**
   * Extensions to accept (case-insensitive, without the dot), or `'any'` for every regular file (Yale's
   * `subject01.happy` files have no extension). Default {@link IMAGE_EXTENSIONS}.
   */
  extensions?: readonly string[] | 'any';
  /** Order of identities and files, hence of labels. Default `'lexicographic'` (torchvision `ImageFolder`). */
  order?: NameOrder;
  /** Identities with fewer images are left out (listed in `skipped`). Default 1. */
  minImagesPerIdentity?: number;
}

/** What {@link listImageFolder} returns: the dataset plus the identity folders it left out. */
export interface ListedImageFolder extends ImageFolderDataset {
  /** Identity folders dropped by `minImagesPerIdentity`, with their image counts. */
  skipped: { identity: string; images: number }[];
}

/**
 * Lists an identity-per-folder tree (`root/<identity>/<image>`) as a labelled dataset: ORL's `s1..s40`,
 * LFW's `Name/Name_0001.jpg`, any torchvision `ImageFolder` tree. Hidden entries (`.name`) and files
 * directly under `root` (e.g. ORL's README) are ignored; nested sub-folders are not descended into.
 * Node only (`@frx/data-readers/node`).
 *
 * @param root - the dataset folder.
 * @param options - `extensions` (default {@link IMAGE_EXTENSIONS}), `order` (default `'lexicographic'`),
 *   `minImagesPerIdentity` (default 1).
 * @returns classes in label order and entries grouped by identity.
 *
 * @example
 * const orl = await listImageFolder('data/orl', { extensions: ['pgm'] });
 * orl.classes.length; // 40
 * const { train, test } = splitByIdentity(orl, { testIdentities: 10 });
 */
export async function listImageFolder(
  root: string,
  options: ListImageFolderOptions = {},
): Promise<ListedImageFolder> {
  for (const key of Object.keys(options)) {
    if (!['extensions', 'order', 'minImagesPerIdentity'].includes(key)) {
      throw new TypeError(`listImageFolder: unknown option "${key}"`);
    }
  }
  const extensions = options.extensions ?? IMAGE_EXTENSIONS;
  const order = options.order ?? 'lexicographic';
  const minImages = options.minImagesPerIdentity ?? 1;
  if (!Number.isInteger(minImages) || minImages < 0) {
    throw new RangeError(
      `listImageFolder: minImagesPerIdentity must be a non-negative integer, got ${minImages}`,
    );
  }
  const accepted =
    extensions === 'any' ? null : new Set(extensions.map((e) => e.toLowerCase().replace(/^\./, '')));
  const top = await readdir(root, { withFileTypes: true });
  const identities = sortNames(
    top.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name),
    order,
  );
  const classes: string[] = [];
  const entries: ImageFolderEntry[] = [];
  const skipped: { identity: string; images: number }[] = [];
  for (const identity of identities) {
    const files = (await readdir(join(root, identity), { withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .filter((name) => {
        if (accepted === null) return true;
        const dot = name.lastIndexOf('.');
        return dot > 0 && accepted.has(name.slice(dot + 1).toLowerCase());
      });
    if (files.length < minImages || files.length === 0) {
      skipped.push({ identity, images: files.length });
      continue;
    }
    const label = classes.length;
    classes.push(identity);
    for (const file of sortNames(files, order))
      entries.push({ path: join(root, identity, file), identity, label });
  }
  return { root, classes, entries, skipped };
}
