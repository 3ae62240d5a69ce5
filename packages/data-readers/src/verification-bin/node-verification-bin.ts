import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

import type { VerificationPair } from './verification-pairs';
import { readVerificationBin, type VerificationBin } from './read-verification-bin';
import { writeVerificationBin, type WriteVerificationBinOptions } from './write-verification-bin';

/**
 * Reads an insightface verification `.bin` from disk (Node); see {@link readVerificationBin}.
 *
 * @param path - e.g. `faces_emore/lfw.bin`.
 * @example
 * ```ts
 * const { images, issame } = await readVerificationBinFile('faces_emore/agedb_30.bin');
 * ```
 */
export async function readVerificationBinFile(path: string): Promise<VerificationBin> {
  return readVerificationBin(new Uint8Array(await readFile(path)), { file: path });
}

/**
 * Writes an insightface verification `.bin` to disk (Node); see {@link writeVerificationBin}.
 *
 * @param path - output path.
 * @param bin - `{ images, issame }`.
 * @param options - `{ protocol }`, default 4.
 */
export async function writeVerificationBinFile(
  path: string,
  bin: VerificationBin,
  options: WriteVerificationBinOptions = {},
): Promise<void> {
  await writeFile(path, writeVerificationBin(bin, options));
}

/**
 * Packs verification pairs (from {@link parseLfwPairs} or {@link buildVerificationPairs}) into an insightface
 * `.bin` (Node): reads both images of every pair as stored (no re-encoding) and writes `(bins, issame_list)`.
 *
 * @param root - folder relative pair paths are resolved against (ignored for absolute paths).
 * @param pairs - pairs in output order.
 * @param outPath - the `.bin` to write.
 * @param options - `{ protocol }`, default 4.
 * @example
 * ```ts
 * const pairs = parseLfwPairs(await readFile('pairs.txt', 'utf8'));
 * await writeVerificationBinFromPairs('lfw_aligned', pairs, 'lfw.bin');
 * ```
 */
export async function writeVerificationBinFromPairs(
  root: string,
  pairs: readonly VerificationPair[],
  outPath: string,
  options: WriteVerificationBinOptions = {},
): Promise<void> {
  const resolve = (path: string) => (isAbsolute(path) ? path : join(root, path));
  const images: Uint8Array[] = [];
  for (const pair of pairs) {
    images.push(
      new Uint8Array(await readFile(resolve(pair.a))),
      new Uint8Array(await readFile(resolve(pair.b))),
    );
  }
  await writeVerificationBinFile(outPath, { images, issame: pairs.map((p) => p.same) }, options);
}
