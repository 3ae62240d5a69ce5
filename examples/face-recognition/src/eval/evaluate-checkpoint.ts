import { initBackend } from '@frx/tensor-utils';

import type { BackendName, FaceConfig, VerificationSource } from '../config/face-config';
import { loadTrainingData } from '../data/load-training-data';
import { loadVerificationSet } from '../data/verification-set';
import { buildBackbone } from '../train/build-backbone';
import { readCheckpoint, restoreBackbone } from '../train/checkpoint';
import { verifyModel, type VerificationReport } from './verify-embeddings';
import { writeNpy } from './write-npy';

/** Options of {@link evaluateCheckpoint}. */
export interface EvaluateOptions {
  /** A checkpoint folder written by training (`…/checkpoints/step-NNNNNN`). */
  checkpoint: string;
  /** Pairs to score. `held-out` rebuilds the run's identity split from `data`. */
  verification: Exclude<VerificationSource, { kind: 'none' }>;
  /** The training image folder(s), for `held-out` pairs. Default: the run's `data`. */
  data?: FaceConfig['data'];
  /** Flip-sum test-time augmentation. Default true. */
  flipTta?: boolean;
  /** Embedding batch size. Default 64. */
  batchSize?: number;
  /** Default `'auto'` (tensorflow if installed, else wasm). */
  backend?: BackendName;
  /** Write the final embeddings `[2·pairs, dim]` (normalised, flip-summed) to this `.npy`. Default: none. */
  exportPath?: string;
}

/**
 * Evaluation-only mode: rebuilds the backbone of a checkpoint, embeds a verification set (insightface `.bin`,
 * LFW `pairs.txt`, or the run's held-out identities) with flip TTA and scores it with the 10-fold protocol.
 *
 * @example
 * const report = await evaluateCheckpoint({ checkpoint: 'runs/orl-tiny/checkpoints/step-000036',
 *   verification: { kind: 'bin', path: 'lfw.bin' } });
 * console.log(report.accuracy);
 */
export async function evaluateCheckpoint(options: EvaluateOptions): Promise<VerificationReport> {
  await initBackend({ backend: options.backend ?? 'auto' });
  const checkpoint = await readCheckpoint(options.checkpoint);
  const config = checkpoint.manifest.config;
  const model = buildBackbone(config, config.seed);
  try {
    restoreBackbone(checkpoint, model);
    const set =
      options.verification.kind === 'held-out'
        ? (
            await loadTrainingData({
              ...config,
              data: options.data ?? config.data,
              verification: options.verification,
            })
          ).verification
        : await loadVerificationSet(options.verification, config.inputSize);
    if (set === null) throw new Error('no verification pairs were loaded');
    const { report, embeddings, dim } = await verifyModel(model, set, {
      batchSize: options.batchSize ?? 64,
      flipTta: options.flipTta ?? true,
    });
    if (options.exportPath !== undefined && options.exportPath !== '') {
      await writeNpy(options.exportPath, embeddings, [set.images.length, dim]);
    }
    return report;
  } finally {
    model.dispose();
  }
}
