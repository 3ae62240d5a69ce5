import type * as tfl from '@tensorflow/tfjs-layers';

import { tarAtFar, tenFoldVerification } from '@frx/metrics';

import type { VerificationSet } from '../data/verification-set';
import { embedImages } from './embed-images';

/** FARs reported during training: small held-out sets cannot support lower ones. */
export const REPORTED_FARS = [1e-1, 1e-2] as const;

/** Result of {@link verifyModel}. */
export interface VerificationReport {
  name: string;
  pairs: number;
  /** 10-fold accuracy (insightface protocol; with flip TTA this is "Accuracy-Flip"). */
  accuracy: number;
  /** Population std of the fold accuracies. */
  std: number;
  /** Mean best squared-L2 threshold. */
  threshold: number;
  /** TAR at each of {@link REPORTED_FARS} over all pairs (cosine scores). */
  tarAtFar: { far: number; tar: number }[];
  /** Mean L2 norm of the raw embeddings (insightface "XNorm"). */
  xnorm: number;
  flipTta: boolean;
}

/**
 * Embeds a verification set and scores it with the insightface protocol: 10 contiguous folds, squared L2
 * distance of normalised embeddings, flip-sum test-time augmentation (insightface `eval/verification.py`).
 *
 * @param model Backbone.
 * @param set Pairs `(2i, 2i+1)`.
 * @param options `batchSize` (64), `flipTta` (true).
 * @returns the report and the final embeddings `[2·pairs, dim]` (L2-normalised, flip-summed when `flipTta`).
 */
export async function verifyModel(
  model: tfl.LayersModel,
  set: VerificationSet,
  options: { batchSize?: number; flipTta?: boolean } = {},
): Promise<{ report: VerificationReport; embeddings: Float32Array; dim: number }> {
  const flipTta = options.flipTta ?? true;
  const batchSize = options.batchSize ?? 64;
  const { embeddings: plain, dim } = await embedImages(model, set.images, { batchSize });
  const flipped = flipTta
    ? (await embedImages(model, set.images, { batchSize, flip: true })).embeddings
    : null;
  const n = set.images.length;
  let norms = 0;
  for (const e of flipped === null ? [plain] : [plain, flipped]) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += e[i * dim + j]! ** 2;
      norms += Math.sqrt(s);
    }
  }
  const xnorm = norms / (n * (flipped === null ? 1 : 2));
  const final = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = plain[i * dim + j]! + (flipped === null ? 0 : flipped[i * dim + j]!);
      final[i * dim + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < dim; j++) final[i * dim + j]! *= inv;
  }
  const pairs = set.issame.length;
  const a = new Float32Array(pairs * dim);
  const b = new Float32Array(pairs * dim);
  const scores = new Float64Array(pairs);
  for (let p = 0; p < pairs; p++) {
    a.set(final.subarray(2 * p * dim, (2 * p + 1) * dim), p * dim);
    b.set(final.subarray((2 * p + 1) * dim, (2 * p + 2) * dim), p * dim);
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += final[2 * p * dim + j]! * final[(2 * p + 1) * dim + j]!;
    scores[p] = dot;
  }
  const result = tenFoldVerification(a, b, set.issame, { dim, folds: Math.min(10, pairs), farTarget: null });
  return {
    report: {
      name: set.name,
      pairs,
      accuracy: result.accuracy,
      std: result.std,
      threshold: result.threshold,
      tarAtFar: tarAtFar(scores, set.issame, [...REPORTED_FARS]).map(({ far, tar }) => ({ far, tar })),
      xnorm,
      flipTta,
    },
    embeddings: final,
    dim,
  };
}
