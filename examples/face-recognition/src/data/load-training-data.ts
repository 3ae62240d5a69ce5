import { stat } from 'node:fs/promises';

import { splitByIdentity, type ImageFolderDataset } from '@frx/data-readers';
import { listImageFolder } from '@frx/data-readers/node';

import type { FaceConfig } from '../config/face-config';
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

/**
 * Opens the training images and the held-out verification pairs of a config: an image folder (optionally
 * the first `maxIdentities` identities, minus `identities` held out for verification pairs) or an
 * insightface `.rec`.
 *
 * @throws FaceDataError when `config.data` does not exist, with download instructions.
 */
export async function loadTrainingData(config: FaceConfig): Promise<TrainingData> {
  let isFile: boolean;
  try {
    isFile = (await stat(config.data)).isFile();
  } catch {
    throw new FaceDataError(`--data '${config.data}' does not exist. ${DOWNLOAD_HINT}`);
  }
  if (isFile) {
    if (!config.data.endsWith('.rec')) {
      throw new FaceDataError(
        `--data '${config.data}' is a file but not an insightface .rec. ${DOWNLOAD_HINT}`,
      );
    }
    if (config.verification.kind === 'held-out') {
      throw new FaceDataError(
        '--val-held-out needs an image folder as --data; with a .rec use --val-bin <lfw.bin>',
      );
    }
    const train = await recordIOImageSource(config.data, config.inputSize, config.maxIdentities);
    return { train, verification: await loadVerificationSet(config.verification, config.inputSize) };
  }
  const listed = firstIdentities(await listImageFolder(config.data), config.maxIdentities);
  if (listed.entries.length === 0)
    throw new FaceDataError(`--data '${config.data}' holds no images. ${DOWNLOAD_HINT}`);
  if (config.verification.kind === 'held-out') {
    const identities = config.verification.identities;
    if (identities >= listed.classes.length) {
      throw new FaceDataError(
        `--val-held-out ${identities} leaves no training identity out of ${listed.classes.length}`,
      );
    }
    const split = splitByIdentity(listed, { testIdentities: identities, seed: config.seed });
    return {
      train: folderImageSource(split.train, config.inputSize),
      verification: await loadVerificationSet(config.verification, config.inputSize, split.test, config.seed),
    };
  }
  return {
    train: folderImageSource(listed, config.inputSize),
    verification: await loadVerificationSet(config.verification, config.inputSize),
  };
}
