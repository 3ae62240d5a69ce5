import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  buildVerificationPairs,
  decodeImage,
  parseLfwPairs,
  preprocessImage,
  type DecodedImage,
  type ImageFolderDataset,
  type VerificationPair,
} from '@frx/data-readers';
import { readVerificationBinFile } from '@frx/data-readers/node';

import type { VerificationSource } from '../config/face-config';

/** Verification pairs ready to embed: pair `i` is images `2i` and `2i + 1`. */
export interface VerificationSet {
  /** Name for logs, e.g. `lfw` or `held-out`. */
  name: string;
  /** `2·pairs` RGB images at the model's input size. */
  images: DecodedImage[];
  /** `[pairs]`: whether pair i shows one person. */
  issame: boolean[];
}

/** Thrown when verification data is missing or malformed; says what to download. */
export class VerificationDataError extends Error {
  override readonly name = 'VerificationDataError';
}

function resized(bytes: Uint8Array, inputSize: number, file: string): DecodedImage {
  return preprocessImage(
    decodeImage(bytes, { file }),
    { height: inputSize, width: inputSize, channels: 3 },
    file,
  );
}

async function readPairs(pairs: readonly VerificationPair[], root: string, inputSize: number, name: string) {
  const images: DecodedImage[] = [];
  const cache = new Map<string, DecodedImage>();
  for (const pair of pairs) {
    for (const rel of [pair.a, pair.b]) {
      const path = root === '' ? rel : join(root, rel);
      let image = cache.get(path);
      if (image === undefined) {
        let bytes: Buffer;
        try {
          bytes = await readFile(path);
        } catch {
          throw new VerificationDataError(
            `${name}: image '${path}' of the verification pairs is missing. For LFW, download the images ` +
              `(lfw.tgz from http://vis-www.cs.umass.edu/lfw/, or aligned 'lfw-deepfunneled') and pass the ` +
              `folder that holds Name/Name_0001.jpg as --val-lfw-root`,
          );
        }
        image = resized(new Uint8Array(bytes), inputSize, path);
        cache.set(path, image);
      }
      images.push(image);
    }
  }
  return { name, images, issame: pairs.map((p) => p.same) };
}

/**
 * Deals pairs into `folds` contiguous blocks with matched and mismatched pairs alternating, so that the
 * contiguous 10-fold split of the insightface protocol sees both kinds in every fold.
 */
function interleave(pairs: readonly VerificationPair[]): VerificationPair[] {
  const same = pairs.filter((p) => p.same);
  const different = pairs.filter((p) => !p.same);
  const out: VerificationPair[] = [];
  for (let i = 0; i < Math.max(same.length, different.length); i++) {
    if (i < same.length) out.push(same[i]!);
    if (i < different.length) out.push(different[i]!);
  }
  return out;
}

/**
 * Loads held-out verification pairs.
 *
 * - `bin`: insightface's packs (`lfw.bin`, `cfp_fp.bin`, `agedb_30.bin`, from the insightface dataset zips);
 * - `lfw-pairs`: LFW View-2 `pairs.txt` with the LFW image folder;
 * - `held-out`: `10 × pairsPerFold` matched and as many mismatched pairs over the given identities
 *   (`buildVerificationPairs` of `@frx/data-readers`, identities dealt to 5 groups so that mismatched pairs
 *   exist in each), interleaved so every protocol fold holds both kinds.
 *
 * @param source What to load.
 * @param inputSize Side of the model's input.
 * @param heldOut The held-out identities (required for `held-out`).
 * @param seed Seed of the pair construction.
 */
export async function loadVerificationSet(
  source: VerificationSource,
  inputSize: number,
  heldOut?: ImageFolderDataset,
  seed = 0,
): Promise<VerificationSet | null> {
  switch (source.kind) {
    case 'none':
      return null;
    case 'bin': {
      try {
        await access(source.path);
      } catch {
        throw new VerificationDataError(
          `verification pack '${source.path}' not found: download an insightface dataset zip (e.g. ms1m-retinaface-t1 ` +
            `or faces_emore, listed in insightface/recognition/_datasets_) and pass its lfw.bin / cfp_fp.bin / agedb_30.bin`,
        );
      }
      const bin = await readVerificationBinFile(source.path);
      const name = source.path.replace(/^.*[\\/]/, '').replace(/\.bin$/, '');
      return {
        name,
        images: bin.images.map((bytes, i) => resized(bytes, inputSize, `${source.path}#${i}`)),
        issame: bin.issame,
      };
    }
    case 'lfw-pairs': {
      let text: string;
      try {
        text = await readFile(source.pairsPath, 'utf8');
      } catch {
        throw new VerificationDataError(
          `LFW pairs file '${source.pairsPath}' not found: download pairs.txt (LFW View 2) from ` +
            `http://vis-www.cs.umass.edu/lfw/pairs.txt`,
        );
      }
      return readPairs(parseLfwPairs(text, source.pairsPath), source.imageRoot, inputSize, 'lfw');
    }
    case 'held-out': {
      if (heldOut === undefined || heldOut.classes.length < 2) {
        throw new VerificationDataError('held-out verification needs at least 2 held-out identities');
      }
      const groups = Math.min(5, Math.floor(heldOut.classes.length / 2));
      const perGroup = Math.ceil((10 * source.pairsPerFold) / groups);
      let pairs: VerificationPair[];
      try {
        pairs = buildVerificationPairs(heldOut, { folds: groups, pairsPerFold: perGroup, seed });
      } catch (error) {
        throw new VerificationDataError(
          `cannot build ${source.pairsPerFold} pairs per fold over ${heldOut.classes.length} held-out identities: ` +
            `${(error as Error).message}; lower --val-pairs-per-fold or hold out more identities`,
        );
      }
      return readPairs(interleave(pairs), '', inputSize, 'held-out');
    }
  }
}
