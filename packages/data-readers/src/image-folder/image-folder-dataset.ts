/**
 * One labelled image of an identity-per-folder tree (ORL `s1..s40`, LFW `Name/`, torchvision
 * `ImageFolder`).
 */
export interface ImageFolderEntry {
  /** Path of the image, as given to or produced by the lister (root joined with identity and file name). */
  path: string;
  /** The folder name: the identity or class. */
  identity: string;
  /** Index of `identity` in {@link ImageFolderDataset.classes}. */
  label: number;
}

/** An identity-per-folder tree as a labelled dataset. */
export interface ImageFolderDataset {
  /** The root folder that was listed. */
  root: string;
  /** Identity (folder) names in label order. */
  classes: string[];
  /** Every image, grouped by identity in label order, files in the lister's sort order. */
  entries: ImageFolderEntry[];
}

/** How folder and file names are ordered. */
export type NameOrder = 'lexicographic' | 'natural';

const naturalCollator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/**
 * Sorts names the way the folder lister does. `'lexicographic'` compares UTF-16 code units like
 * Python's `sorted()` (so labels match torchvision `ImageFolder` and im2rec `--recursive`: `s1, s10,
 * s11, …, s2`); `'natural'` compares digit runs as numbers (`s1, s2, …, s10`).
 *
 * @param names - names to sort (not modified).
 * @param order - default `'lexicographic'`.
 * @returns a sorted copy.
 */
export function sortNames(names: readonly string[], order: NameOrder = 'lexicographic'): string[] {
  const copy = [...names];
  if (order === 'natural')
    return copy.sort((a, b) => naturalCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
  return copy.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Builds an {@link ImageFolderDataset} from relative paths `identity/file` (for instance a file list
 * shipped with a dataset, or paths gathered in a browser). Identities become labels `0 … K − 1` in
 * `order`; files within an identity are sorted the same way.
 *
 * @param root - folder the relative paths are under; joined with `/` (`''` keeps them relative).
 * @param relativePaths - `identity/file` strings; deeper paths keep their first segment as the identity.
 * @param options - `order` (default `'lexicographic'`).
 * @throws TypeError when a path has no identity folder.
 *
 * @example
 * const ds = imageFolderFromPaths('orl', ['s1/1.pgm', 's1/2.pgm', 's2/1.pgm']);
 * ds.classes; // ['s1', 's2']
 */
export function imageFolderFromPaths(
  root: string,
  relativePaths: readonly string[],
  options: { order?: NameOrder } = {},
): ImageFolderDataset {
  const order = options.order ?? 'lexicographic';
  const byIdentity = new Map<string, string[]>();
  for (const rel of relativePaths) {
    const slash = rel.indexOf('/');
    if (slash <= 0 || slash === rel.length - 1) {
      throw new TypeError(`imageFolderFromPaths: "${rel}" is not of the form identity/file`);
    }
    const identity = rel.slice(0, slash);
    const list = byIdentity.get(identity) ?? [];
    list.push(rel.slice(slash + 1));
    byIdentity.set(identity, list);
  }
  const classes = sortNames([...byIdentity.keys()], order);
  const entries: ImageFolderEntry[] = [];
  const prefix = root === '' ? '' : root.endsWith('/') ? root : `${root}/`;
  classes.forEach((identity, label) => {
    for (const file of sortNames(byIdentity.get(identity)!, order)) {
      entries.push({ path: `${prefix}${identity}/${file}`, identity, label });
    }
  });
  return { root, classes, entries };
}
