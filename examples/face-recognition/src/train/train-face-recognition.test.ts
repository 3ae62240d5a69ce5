import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { testBackend } from '@frx/tensor-utils/testing';
import { describe, expect, it } from 'vitest';

import type { FaceConfig } from '../config/face-config';
import { facePreset } from '../config/presets';
import { evaluateCheckpoint } from '../eval/evaluate-checkpoint';
import { CheckpointError, listCheckpoints, readCheckpoint } from './checkpoint';
import {
  NonFiniteLossError,
  trainFaceRecognition,
  type LogRecord,
  type StepRecord,
} from './train-face-recognition';

// ../shared/data relative to the repository root (/work/main), resolved from this file.
const ORL = fileURLToPath(new URL('../../../../../shared/data/faces/orl', import.meta.url));
const hasOrl = existsSync(ORL);
const SKIP = 'ORL faces not found at ../shared/data/faces/orl (shared test data absent)';

/** 8 ORL identities, 3 held out: 50 training images, batch 10 → 5 steps per epoch. */
function tinyConfig(out: string, overrides: Partial<FaceConfig> = {}): FaceConfig {
  return {
    ...facePreset('orl-tiny'),
    data: ORL,
    maxIdentities: 8,
    verification: { kind: 'held-out', identities: 3, pairsPerFold: 2 },
    batchSize: 10,
    epochs: 2,
    out,
    checkpointEvery: 4,
    keepCheckpoints: 5,
    progress: 'silent',
    backend: testBackend(),
    ...overrides,
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'frx-face-'));
}

async function readLog(out: string): Promise<LogRecord[]> {
  const text = await readFile(join(out, 'log.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogRecord);
}

const stepsOf = (log: readonly LogRecord[]) => log.filter((r): r is StepRecord => r.type === 'step');

describe.skipIf(!hasOrl)(`trainFaceRecognition on ORL (${hasOrl ? 'data found' : SKIP})`, () => {
  it('trains end to end: JSONL log, checkpoints, charts, steady tensors, evaluation', async () => {
    const out = await tempDir();
    const result = await trainFaceRecognition(tinyConfig(out));
    expect(result.totalSteps).toBe(10); // 2 epochs × ⌊50 / 10⌋
    expect(result.finalStep).toBe(10);

    const log = await readLog(out);
    const steps = stepsOf(log);
    expect(steps.map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.map((r) => r.epoch)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    for (const r of steps) {
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(r.imagesPerSecond).toBeGreaterThan(0);
    }
    // arcface_torch PolynomialLRWarmup, power 1, no warm-up: lr_k = lr0 · (1 − k / T), T = 10.
    steps.forEach((r) => expect(r.lr).toBeCloseTo(0.05 * (1 - r.step / 10), 10));
    // Steady tensor count: every step ends with the same number of live tensors.
    expect(new Set(steps.slice(1).map((r) => r.tensors)).size).toBe(1);

    const evals = log.filter((r) => r.type === 'eval');
    expect(evals).toHaveLength(1);
    const report = result.finalReport!;
    expect(report.pairs).toBe(40); // 10 folds × 2 matched + 2 mismatched
    expect(report.accuracy).toBeGreaterThan(0.5);
    expect(report.accuracy).toBeLessThanOrEqual(1);

    // Checkpoints at steps 4, 8 and the end (10); each one complete and self-describing.
    const checkpoints = await listCheckpoints(join(out, 'checkpoints'));
    expect(checkpoints.map((c) => c.step)).toEqual([4, 8, 10]);
    const last = await readCheckpoint(checkpoints.at(-1)!.path);
    expect(last.manifest).toMatchObject({
      step: 10,
      numClasses: 5,
      scheduler: { kind: 'PolynomialWarmupScheduler' },
    });
    expect(last.manifest.head.shape).toEqual([5, 32]);
    expect(last.manifest.optimizer.kind).toBe('FrxSGD');
    expect(Object.keys(last.manifest.optimizer.variables)).toContain('head/weight');
    expect(last.manifest.rng.s).toHaveLength(4);
    const elements =
      last.manifest.backbone.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0) + 5 * 32;
    expect(last.tensors.length).toBeGreaterThan(elements); // weights + momentum buffers
    for (const chart of ['loss.svg', 'loss.png', 'lr.svg', 'lr.png', 'accuracy.svg', 'accuracy.png']) {
      expect((await stat(join(out, 'charts', chart))).size).toBeGreaterThan(200);
    }

    // Evaluation-only mode reproduces the final verification from the checkpoint and exports embeddings.
    const exportPath = join(out, 'embeddings.npy');
    const evaluated = await evaluateCheckpoint({
      checkpoint: checkpoints.at(-1)!.path,
      verification: { kind: 'held-out', identities: 3, pairsPerFold: 2 },
      exportPath,
    });
    expect(evaluated.accuracy).toBe(report.accuracy);
    const npy = await readFile(exportPath);
    expect(npy.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    expect(npy.toString('latin1', 10, 80)).toContain("'shape': (80, 32)");
    expect(npy.length).toBe(128 + 80 * 32 * 4);
  }, 600_000);

  it('resumes from a checkpoint with the identical loss and learning-rate sequence', async () => {
    // 5 identities, none held out: 50 images, 10 steps.
    const base = { verification: { kind: 'none' } as const, maxIdentities: 5 };
    const full = await trainFaceRecognition(tinyConfig(await tempDir(), base));

    const out = await tempDir();
    // Kill the run during step 6 (after the step-4 checkpoint): the exception stands for the process dying.
    await expect(
      trainFaceRecognition(tinyConfig(out, base), {
        onStep: (r) => {
          if (r.step === 6) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect((await listCheckpoints(join(out, 'checkpoints'))).map((c) => c.step)).toEqual([4]);

    const resumed = await trainFaceRecognition(tinyConfig(out, base), { resume: true });
    expect(resumed.finalStep).toBe(10);
    const a = full.steps.map((r) => [r.step, r.loss, r.lr]);
    const b = resumed.steps.map((r) => [r.step, r.loss, r.lr]);
    expect(b).toEqual(a); // bit for bit: same backend, same seed
    const log = await readLog(out);
    expect(log.find((r) => r.type === 'resume')).toMatchObject({ step: 4 });
    expect(stepsOf(log).map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  }, 600_000);

  it('stops on a non-finite loss with a clear error and leaves the last good checkpoint intact', async () => {
    const out = await tempDir();
    const run = trainFaceRecognition(tinyConfig(out, { verification: { kind: 'none' }, maxIdentities: 5 }), {
      // A poisoned batch: one NaN pixel at step 5 makes the embedding, hence the loss, NaN.
      onBatch: (step, pixels) => {
        if (step === 5) pixels[0] = Number.NaN;
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const message = (error as Error).message;
    expect(message).toMatch(/non-finite (loss|gradient norm) \(NaN\) at step 5/);
    expect(message).toMatch(/update was NOT applied/);
    expect(message).toContain(join(out, 'checkpoints', 'step-000004'));
    expect(message).toMatch(/--resume/);

    const names = await readdir(join(out, 'checkpoints'));
    expect(names).toEqual(['step-000004']);
    const kept = await readCheckpoint(join(out, 'checkpoints', 'step-000004'));
    expect(kept.manifest.step).toBe(4);
    expect(kept.tensors.every((v) => Number.isFinite(v))).toBe(true);
    // The log stops at the last applied step.
    expect(stepsOf(await readLog(out)).map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
  }, 600_000);

  it('a truncated tensors.bin is named, and resume falls back to the previous checkpoint exactly', async () => {
    // CurricularFace carries its running t in the checkpoint: an exact resume proves it is restored too.
    const base = {
      verification: { kind: 'none' } as const,
      maxIdentities: 5,
      margin: 'curricularface' as const,
      scale: 16,
    };
    const full = await trainFaceRecognition(tinyConfig(await tempDir(), base));
    const out = await tempDir();
    await expect(
      trainFaceRecognition(tinyConfig(out, base), {
        onStep: (r) => {
          if (r.step === 9) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect((await listCheckpoints(join(out, 'checkpoints'))).map((c) => c.step)).toEqual([4, 8]);
    const newest = join(out, 'checkpoints', 'step-000008', 'tensors.bin');
    const bytes = await readFile(newest);
    await writeFile(newest, bytes.subarray(0, bytes.length - 4096));
    const damaged = readCheckpoint(join(out, 'checkpoints', 'step-000008'));
    await expect(damaged).rejects.toBeInstanceOf(CheckpointError);
    await expect(damaged).rejects.toThrow(
      `${newest}: ${bytes.length - 4096} bytes, but manifest.json describes ${bytes.length} (truncated`,
    );

    const warnings: string[] = [];
    const resumed = await trainFaceRecognition(tinyConfig(out, base), {
      resume: true,
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(newest);
    expect(resumed.skippedCheckpoints).toEqual(warnings);
    expect((await readLog(out)).find((r) => r.type === 'resume')).toMatchObject({ step: 4 });
    expect(resumed.steps.map((r) => [r.step, r.loss, r.lr])).toEqual(
      full.steps.map((r) => [r.step, r.loss, r.lr]),
    );
  }, 600_000);

  it('tells the user what to do when no checkpoint is usable', async () => {
    const out = await tempDir();
    const config = tinyConfig(out, { verification: { kind: 'none' }, maxIdentities: 5, maxSteps: 4 });
    await trainFaceRecognition(config);
    const only = join(out, 'checkpoints', 'step-000004', 'tensors.bin');
    await writeFile(only, (await readFile(only)).subarray(0, 100));
    await expect(trainFaceRecognition(config, { resume: true })).rejects.toThrow(
      /no usable checkpoint in .*step-000004\/tensors\.bin: 100 bytes.*\nStart the run again without --resume/s,
    );
  }, 600_000);
});

describe('trainFaceRecognition without data', () => {
  it('says what to download when --data is missing', async () => {
    const out = await tempDir();
    await expect(
      trainFaceRecognition({
        ...facePreset('orl-tiny'),
        data: join(out, 'nowhere'),
        out,
        progress: 'silent',
      }),
    ).rejects.toThrow(/does not exist\. Get a dataset first: the AT&T\/ORL faces/);
  });
});
