import { basename, resolve } from 'node:path';

import type { ImageFolderDataset } from '@frx/data-readers';

/**
 * Joins several identity-per-folder trees (ORL, AR, UMIST, IMM, …) into one labelled dataset whose
 * identities stay distinct per tree: tree `t`'s identity `s1` becomes `<name of t>/s1`, labels run over
 * the trees in the order given, then over each tree's own label order. Two trees that hold a folder of the
 * same name (ORL's `s1` and a copy's `s1`) therefore never merge into one person.
 *
 * A tree is named by its folder's base name; when two trees share a base name (`a/faces`, `b/faces`) the
 * resolved path is used instead, so names never collide.
 *
 * @param trees Listings of `listImageFolder` (`@frx/data-readers/node`), at least one.
 * @returns one dataset; `root` lists the trees joined by `' + '`.
 * @throws RangeError when `trees` is empty.
 * @example
 * const faces = mergeImageFolders([await listImageFolder('faces/orl'), await listImageFolder('faces/imm')]);
 * faces.classes[0]; // 'orl/s1'
 */
export function mergeImageFolders(trees: readonly ImageFolderDataset[]): ImageFolderDataset {
  if (trees.length === 0) throw new RangeError('mergeImageFolders: no image tree given');
  if (trees.length === 1) return trees[0]!;
  const names = trees.map((t) => basename(resolve(t.root)));
  const unique = names.map((name, i) =>
    names.filter((n) => n === name).length > 1 ? resolve(trees[i]!.root) : name,
  );
  const classes: string[] = [];
  const entries: ImageFolderDataset['entries'] = [];
  trees.forEach((tree, t) => {
    const offset = classes.length;
    for (const c of tree.classes) classes.push(`${unique[t]}/${c}`);
    for (const e of tree.entries)
      entries.push({ path: e.path, identity: `${unique[t]}/${e.identity}`, label: offset + e.label });
  });
  return { root: trees.map((t) => t.root).join(' + '), classes, entries };
}
