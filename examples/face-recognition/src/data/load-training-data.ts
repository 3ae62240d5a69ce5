import { stat } from 'node:fs/promises';

import { splitByIdentity, type ImageFolderDataset } from '@frx/data-readers';
import { listImageFolder } from '@frx/data-readers/node';

import type { FaceConfig } from '../config/face-config';
import { mergeImageFolders } from './merge-image-folders';
import { folderImageSource, recordIOImageSource, type FaceImageSource } from './face-image-source';
import { loadVerificationSet, type VerificationSet } from './verification-set';

/** Thrown when the training data is missing or unusable; says what to download. */
export class FaceDataError extends Error {
  override readonly name = 'FaceDataError';
}

/** What {@link loadTrainingData} returns. */
export interface TrainingData {
  train: FaceImageSource;
  verification: VerificationSet | null;
}

const DOWNLOAD_HINT =
  'Get a dataset first: the AT&T/ORL faces (40 people, PGM; https://cam-orl.co.uk/facedatabase.html, ' +
  "folders s1..s40), any identity-per-folder image tree (e.g. LFW 'lfw-deepfunneled', CASIA-WebFace), or an " +
  'insightface train.rec + train.idx (insightface/recognition/_datasets_: MS1MV3, Glint360K, WebFace)';

function firstIdentities(dataset: ImageFolderDataset, n: number): ImageFolderDataset {
  if (n <= 0 || n >= dataset.classes.length) return dataset;
  return {
    root: dataset.root,
    classes: dataset.classes.slice(0, n),
    entries: dataset.entries.filter((e) => e.label < n),
  };
}

/** The image trees or `.rec` of `config.data`, as a list. */
export function dataPaths(data: FaceConfig['data']): string[] {
  return typeof data === 'string' ? [data] : [...data];
}

/**
 * Opens the training images and the held-out verification pairs of a config: one image folder or several
 * (merged with identities kept distinct per tree, `mergeImageFolders`), optionally the first
 * `maxIdentities` identities, minus `identities` held out for verification pairs (seeded by `splitSeed`,
 * default the run seed); or an insightface `.rec`.
 *
 * @throws FaceDataError when a path of `config.data` does not exist, with download instructions, or when a
 *   `.rec` is combined with other data.
 */
export async function loadTrainingData(config: FaceConfig): Promise<TrainingData> {
  const paths = dataPaths(config.data);
  if (paths.length === 0) throw new FaceDataError(`no --data given. ${DOWNLOAD_HINT}`);
  const isFile: boolean[] = [];
  for (const path of paths) {
    try {
      isFile.push((await stat(path)).isFile());
    } catch {
      throw new FaceDataError(`--data '${path}' does not exist. ${DOWNLOAD_HINT}`);
    }
  }
  if (isFile.some((f) => f) && paths.length > 1) {
    const file = paths[isFile.indexOf(true)]!;
    throw new FaceDataError(
      `--data '${file}' is a file: several --data must all be image folders (a .rec is used alone)`,
    );
  }
  if (isFile[0] === true) {
    const data = paths[0]!;
    if (!data.endsWith('.rec')) {
      throw new FaceDataError(`--data '${data}' is a file but not an insightface .rec. ${DOWNLOAD_HINT}`);
    }
    if (config.verification.kind === 'held-out') {
      throw new FaceDataError(
        '--val-held-out needs an image folder as --data; with a .rec use --val-bin <lfw.bin>',
      );
    }
    const train = await recordIOImageSource(data, config.inputSize, config.maxIdentities);
    return { train, verification: await loadVerificationSet(config.verification, config.inputSize) };
  }
  const trees = [];
  for (const path of paths) {
    const tree = await listImageFolder(path);
    if (tree.entries.length === 0)
      throw new FaceDataError(`--data '${path}' holds no images. ${DOWNLOAD_HINT}`);
    trees.push(tree);
  }
  const listed = firstIdentities(mergeImageFolders(trees), config.maxIdentities);
  if (config.verification.kind === 'held-out') {
    const identities = config.verification.identities;
    if (identities >= listed.classes.length) {
      throw new FaceDataError(
        `--val-held-out ${identities} leaves no training identity out of ${listed.classes.length}`,
      );
    }
    const seed = config.verification.splitSeed ?? config.seed;
    const split = splitByIdentity(listed, { testIdentities: identities, seed });
    return {
      train: folderImageSource(split.train, config.inputSize),
      verification: await loadVerificationSet(config.verification, config.inputSize, split.test, seed),
    };
  }
  return {
    train: folderImageSource(listed, config.inputSize),
    verification: await loadVerificationSet(config.verification, config.inputSize),
  };
}
