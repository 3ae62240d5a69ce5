import { createRng, shuffle } from '@frx/tensor-utils';

import { DataFormatError } from '../errors/data-format-error';
import type { ImageFolderDataset } from '../image-folder/image-folder-dataset';

/** One verification pair: two image paths, whether they show the same person, and its fold. */
export interface VerificationPair {
  fold: number;
  same: boolean;
  /** First image path (relative to the image root for LFW pairs, the dataset's path otherwise). */
  a: string;
  b: string;
}

/** LFW image path `Name/Name_NNNN.jpg` (4-digit, 1-based index). */
export function lfwImagePath(name: string, index: number): string {
  return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

/**
 * Parses LFW's View-2 `pairs.txt`: a `folds<TAB>n` header, then per fold `n` matched lines `name i j` followed by
 * `n` mismatched lines `name1 i name2 j`. Pairs keep the file order, so contiguous blocks of 2n pairs are the
 * official folds (insightface's `lfw.bin` keeps the same order).
 *
 * @param text - file content.
 * @param file - name for error messages. Default `'pairs.txt'`.
 * @returns pairs with image paths from {@link lfwImagePath}.
 * @example
 * ```ts
 * const pairs = parseLfwPairs(await readFile('pairs.txt', 'utf8')); // 6000 pairs, folds 0..9
 * ```
 */
export function parseLfwPairs(text: string, file = 'pairs.txt'): VerificationPair[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  const [folds, perFold] = header.map(Number);
  if (
    header.length !== 2 ||
    !Number.isSafeInteger(folds) ||
    !Number.isSafeInteger(perFold) ||
    folds! < 1 ||
    perFold! < 1
  ) {
    throw new DataFormatError(`malformed header ${JSON.stringify(lines[0])}, expected "folds<TAB>pairs"`, {
      file,
      line: 1,
    });
  }
  const needed = folds! * perFold! * 2;
  const body = lines.slice(1);
  while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
  if (body.length !== needed) {
    throw new DataFormatError(`header announces ${needed} pairs but ${body.length} lines follow`, {
      file,
      line: 1,
    });
  }
  const index = (value: string, line: number) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1)
      throw new DataFormatError(`bad image number "${value}"`, { file, line });
    return n;
  };
  return body.map((raw, i) => {
    const line = i + 2;
    const fields = raw.trim().split(/\s+/);
    const fold = Math.floor(i / (2 * perFold!));
    const same = i % (2 * perFold!) < perFold!;
    if (same && fields.length === 3) {
      return {
        fold,
        same,
        a: lfwImagePath(fields[0]!, index(fields[1]!, line)),
        b: lfwImagePath(fields[0]!, index(fields[2]!, line)),
      };
    }
    if (!same && fields.length === 4) {
      return {
        fold,
        same,
        a: lfwImagePath(fields[0]!, index(fields[1]!, line)),
        b: lfwImagePath(fields[2]!, index(fields[3]!, line)),
      };
    }
    throw new DataFormatError(
      `expected a ${same ? 'matched "name i j"' : 'mismatched "name1 i name2 j"'} line, got ${JSON.stringify(raw)}`,
      { file, line },
    );
  });
}

/** Options of {@link buildVerificationPairs}. */
export interface BuildVerificationPairsOptions {
  /** Number of folds. Default 10 (LFW View 2). */
  folds?: number;
  /** Matched pairs per fold, and as many mismatched ones. Default 300 (LFW View 2). */
  pairsPerFold?: number;
  /** Seed. Default 0. */
  seed?: number | string;
}

/**
 * Builds LFW-style verification pairs from an identity-per-folder dataset: identities are shuffled (seeded) and
 * dealt to folds so that no person appears in two folds (as in LFW View 2); each fold gets `pairsPerFold` matched
 * pairs (two different images of one person) followed by as many mismatched pairs (two people), without repeats.
 *
 * @param dataset - e.g. from `listImageFolder(root)` or `imageFolderFromPaths`.
 * @param options - `folds` (default 10), `pairsPerFold` (default 300), `seed` (default 0).
 * @throws RangeError when a fold cannot supply enough distinct pairs (too few people or images).
 * @example
 * ```ts
 * const pairs = buildVerificationPairs(await listImageFolder('orl'), { folds: 10, pairsPerFold: 20 });
 * ```
 */
export function buildVerificationPairs(
  dataset: ImageFolderDataset,
  options: BuildVerificationPairsOptions = {},
): VerificationPair[] {
  for (const name of Object.keys(options)) {
    if (!['folds', 'pairsPerFold', 'seed'].includes(name))
      throw new TypeError(`buildVerificationPairs: unknown option "${name}"`);
  }
  const folds = options.folds ?? 10;
  const perFold = options.pairsPerFold ?? 300;
  if (!Number.isInteger(folds) || folds < 1 || !Number.isInteger(perFold) || perFold < 1) {
    throw new RangeError(
      `buildVerificationPairs: folds and pairsPerFold must be positive integers, got ${folds}, ${perFold}`,
    );
  }
  const rng = createRng(options.seed ?? 0);
  const byIdentity = new Map<string, string[]>();
  for (const { identity, path } of dataset.entries)
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), path]);
  const identities = shuffle([...byIdentity.keys()], rng);
  const pairs: VerificationPair[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const people = identities.filter((_, i) => i % folds === fold);
    const withTwo = people.filter((p) => byIdentity.get(p)!.length >= 2);
    const seen = new Set<string>();
    const draw = (same: boolean) => {
      for (let attempt = 0; attempt < 1000; attempt++) {
        let a: string;
        let b: string;
        if (same) {
          if (withTwo.length === 0) break;
          const images = byIdentity.get(withTwo[rng.int(withTwo.length)]!)!;
          const i = rng.int(images.length);
          const j = (i + 1 + rng.int(images.length - 1)) % images.length;
          [a, b] = [images[Math.min(i, j)]!, images[Math.max(i, j)]!];
        } else {
          if (people.length < 2) break;
          const p = rng.int(people.length);
          const q = (p + 1 + rng.int(people.length - 1)) % people.length;
          const [x, y] = p < q ? [people[p]!, people[q]!] : [people[q]!, people[p]!];
          const ix = byIdentity.get(x)!;
          const iy = byIdentity.get(y)!;
          [a, b] = [ix[rng.int(ix.length)]!, iy[rng.int(iy.length)]!];
        }
        const key = `${a}\n${b}`;
        if (!seen.has(key)) {
          seen.add(key);
          return { fold, same, a, b };
        }
      }
      throw new RangeError(
        `buildVerificationPairs: fold ${fold} (${people.length} identities, ${withTwo.length} with 2+ images) cannot supply ${perFold} distinct ${same ? 'matched' : 'mismatched'} pairs`,
      );
    };
    for (let k = 0; k < perFold; k++) pairs.push(draw(true));
    for (let k = 0; k < perFold; k++) pairs.push(draw(false));
  }
  return pairs;
}
