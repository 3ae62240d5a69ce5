import { createRng, permutation } from '@frx/tensor-utils';

import type { ImageFolderDataset, ImageFolderEntry } from './image-folder-dataset';

/** A train/test split of an {@link ImageFolderDataset}. */
export interface ImageFolderSplit {
  /** Training images. Labels index `classes` of the split. */
  train: ImageFolderDataset;
  /** Test images. */
  test: ImageFolderDataset;
}

/** Options of {@link splitByImage}. */
export interface SplitByImageOptions {
  /** Fraction of each identity's images that go to the test set, in [0, 1]. Default 0.2. */
  testFraction?: number;
  /** Seed of the shuffle (number or string). Default 0. */
  seed?: number | string;
}

/** Options of {@link splitByIdentity}. */
export interface SplitByIdentityOptions {
  /** Fraction of identities held out, in [0, 1]. Default 0.2. Ignored when `testIdentities` is set. */
  testFraction?: number;
  /** Exact number of held-out identities (overrides `testFraction`). */
  testIdentities?: number;
  /** Seed of the shuffle (number or string). Default 0. */
  seed?: number | string;
}

function checkFraction(name: string, value: number): void {
  if (!(value >= 0 && value <= 1))
    throw new RangeError(`${name}: testFraction must be in [0, 1], got ${value}`);
}

function checkKeys(name: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw new TypeError(`${name}: unknown option "${key}" (allowed: ${allowed.join(', ')})`);
  }
}

/**
 * Closed-set split: every identity appears in both sets; `round(testFraction · n)` of each identity's
 * `n` images (seeded shuffle) go to the test set, so the split is stratified. Labels are unchanged.
 * Use it for closed-set classification (ORL's classic 5/5 or 7/3 protocols).
 *
 * @param dataset - the listed tree.
 * @param options - `testFraction` (default 0.2), `seed` (default 0).
 * @returns train and test datasets sharing `classes`.
 *
 * @example
 * const { train, test } = splitByImage(orl, { testFraction: 0.3, seed: 1 }); // 280 / 120 on ORL
 */
export function splitByImage(
  dataset: ImageFolderDataset,
  options: SplitByImageOptions = {},
): ImageFolderSplit {
  checkKeys('splitByImage', options, ['testFraction', 'seed']);
  const testFraction = options.testFraction ?? 0.2;
  checkFraction('splitByImage', testFraction);
  const rng = createRng(options.seed ?? 0);
  const groups = groupByLabel(dataset.entries);
  const train: ImageFolderEntry[] = [];
  const test: ImageFolderEntry[] = [];
  for (const group of groups) {
    const order = permutation(group.length, rng);
    const nTest = Math.round(testFraction * group.length);
    const testIdx = new Set(Array.from(order.subarray(0, nTest)));
    group.forEach((entry, i) => (testIdx.has(i) ? test : train).push(entry));
  }
  return {
    train: { root: dataset.root, classes: dataset.classes, entries: train },
    test: { root: dataset.root, classes: dataset.classes, entries: test },
  };
}

/**
 * Open-set split: a seeded random subset of identities is held out entirely (for verification on
 * identities never seen in training, as in face recognition). Each side gets its own `classes` list
 * and labels `0 … K − 1` in the original order.
 *
 * @param dataset - the listed tree.
 * @param options - `testFraction` (default 0.2) or `testIdentities`, `seed` (default 0).
 * @returns disjoint train and test datasets.
 *
 * @example
 * const { train, test } = splitByIdentity(orl, { testIdentities: 10, seed: 7 }); // 30 / 10 people
 */
export function splitByIdentity(
  dataset: ImageFolderDataset,
  options: SplitByIdentityOptions = {},
): ImageFolderSplit {
  checkKeys('splitByIdentity', options, ['testFraction', 'testIdentities', 'seed']);
  const k = dataset.classes.length;
  let nTest: number;
  if (options.testIdentities !== undefined) {
    nTest = options.testIdentities;
    if (!Number.isInteger(nTest) || nTest < 0 || nTest > k) {
      throw new RangeError(`splitByIdentity: testIdentities must be an integer in [0, ${k}], got ${nTest}`);
    }
  } else {
    const testFraction = options.testFraction ?? 0.2;
    checkFraction('splitByIdentity', testFraction);
    nTest = Math.round(testFraction * k);
  }
  const order = permutation(k, createRng(options.seed ?? 0));
  const held = new Set(Array.from(order.subarray(0, nTest)));
  const relabel = (keep: (label: number) => boolean): ImageFolderDataset => {
    const classes: string[] = [];
    const map = new Map<number, number>();
    dataset.classes.forEach((name, label) => {
      if (keep(label)) {
        map.set(label, classes.length);
        classes.push(name);
      }
    });
    const entries = dataset.entries
      .filter((e) => map.has(e.label))
      .map((e) => ({ path: e.path, identity: e.identity, label: map.get(e.label)! }));
    return { root: dataset.root, classes, entries };
  };
  return { train: relabel((l) => !held.has(l)), test: relabel((l) => held.has(l)) };
}

function groupByLabel(entries: readonly ImageFolderEntry[]): ImageFolderEntry[][] {
  const groups = new Map<number, ImageFolderEntry[]>();
  for (const e of entries) {
    const g = groups.get(e.label) ?? [];
    g.push(e);
    groups.set(e.label, g);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((l) => groups.get(l)!);
}
