import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
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
 * What a directory entry is once symbolic links are followed (torchvision's `ImageFolder` follows them:
 * identity folders are often links into a dataset that was not copied). A dangling link is `'other'`.
 * The lister reads two fixed levels and never recurses, so a link back up the tree cannot loop.
 */
async function entryKind(dir: string, entry: Dirent): Promise<'directory' | 'file' | 'other'> {
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = await stat(join(dir, entry.name));
    return target.isDirectory() ? 'directory' : target.isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

async function listNames(dir: string, kind: 'directory' | 'file'): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.name.startsWith('.') && (await entryKind(dir, entry)) === kind) names.push(entry.name);
  }
  return names;
}

/**
 * Lists an identity-per-folder tree (`root/<identity>/<image>`) as a labelled dataset: ORL's `s1..s40`,
 * LFW's `Name/Name_0001.jpg`, any torchvision `ImageFolder` tree. Hidden entries (`.name`) and files
 * directly under `root` (e.g. ORL's README) are ignored; nested sub-folders are not descended into.
 * Symbolic links to identity folders and to images are followed.
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
  const identities = sortNames(await listNames(root, 'directory'), order);
  const classes: string[] = [];
  const entries: ImageFolderEntry[] = [];
  const skipped: { identity: string; images: number }[] = [];
  for (const identity of identities) {
    const files = (await listNames(join(root, identity), 'file')).filter((name) => {
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
