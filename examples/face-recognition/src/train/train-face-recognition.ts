import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { writeNormalizedImage } from '@frx/data-readers';
import { restoreScheduler } from '@frx/mhlr';
import {
  backendSelection,
  createProgress,
  createRng,
  initBackend,
  type ProgressStream,
} from '@frx/tensor-utils';
import { openTensorBoardWriter } from '@frx/tensor-utils/node';

import { writeRunCharts } from '../charts/run-charts';
import type { FaceConfig } from '../config/face-config';
import { BatchOrder } from '../data/batch-order';
import { loadTrainingData } from '../data/load-training-data';
import { verifyModel, type VerificationReport } from '../eval/verify-embeddings';
import { buildBackbone, loadPretrainedBackbone } from './build-backbone';
import { buildOptimizer, buildScheduler, stepBudget } from './build-scheduler';
import {
  CheckpointError,
  listCheckpoints,
  readCheckpoint,
  restoreTrainingState,
  saveCheckpoint,
  type LoadedCheckpoint,
} from './checkpoint';
import { FaceHead } from './face-head';

/** One line of `log.jsonl` per optimizer step. */
export interface StepRecord {
  type: 'step';
  /** 0-based step index. */
  step: number;
  epoch: number;
  /** Mini-batch loss of this step. */
  loss: number;
  /** Learning rate this step used. */
  lr: number;
  /** MHLR/FastFace detector value after this step (Haar response / slope), or null. */
  signal: number | null;
  /** Images per second of this step (data + forward + backward + update). */
  imagesPerSecond: number;
  /** Live tensors after the step (steady in a healthy loop). */
  tensors: number;
}

/** One line of `log.jsonl` per verification. */
export interface EvalRecord extends VerificationReport {
  type: 'eval';
  /** Steps done when evaluated. */
  step: number;
}

/** A record of `log.jsonl`. */
export type LogRecord = StepRecord | EvalRecord | { type: 'resume'; step: number; checkpoint: string };

/** Options of {@link trainFaceRecognition}. */
export interface TrainOptions {
  /** Continue from the newest checkpoint in `<out>/checkpoints`. Default false. */
  resume?: boolean;
  /** Called with each batch's normalised pixels `[batch·size·size·3]` before the step (may modify them). */
  onBatch?: (step: number, pixels: Float32Array, labels: Int32Array) => void;
  /** Called after every step. */
  onStep?: (record: StepRecord) => void;
  /** Where the progress bar goes. Default `process.stderr`. */
  progressStream?: ProgressStream;
  /** Called with each warning (a damaged checkpoint skipped on resume). Default: none. */
  onWarning?: (message: string) => void;
}

/** What {@link trainFaceRecognition} returns. */
export interface TrainResult {
  /** Every step record of the run (including those before a resume), in order. */
  steps: StepRecord[];
  evals: EvalRecord[];
  /** Steps done. */
  finalStep: number;
  /** Length of the schedule. */
  totalSteps: number;
  /** Newest checkpoint folder. */
  checkpoint: string;
  /** Final verification, if the run has a verification set. */
  finalReport: VerificationReport | null;
  /** Wall time of this process's training (excluding data loading), seconds. */
  trainSeconds: number;
  /** The backend `initBackend` selected (`'tensorflow'`, `'wasm'` or `'cpu'`). */
  backend: string;
  /** Newer checkpoints that could not be read and were skipped by `--resume` (with the reason). */
  skippedCheckpoints: string[];
}

/**
 * Thrown when a step's loss or gradient norm is NaN or ±Infinity; the step's update was not applied. The
 * gradient is checked too because on the wasm backend `max`/`clip` do not propagate NaN, so a NaN
 * embedding can come out of the clamped cosine logits as a finite loss with NaN gradients.
 */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';
  constructor(
    readonly step: number,
    /** Which quantity was not finite. */
    readonly quantity: 'loss' | 'gradient norm',
    readonly value: number,
    readonly lastCheckpoint: string | null,
  ) {
    super(
      `non-finite ${quantity} (${value}) at step ${step}: the update was NOT applied and training stopped. ` +
        (lastCheckpoint === null
          ? 'No checkpoint was written yet. '
          : `The last good checkpoint is intact: ${lastCheckpoint} — continue with --resume. `) +
        'Usual causes: learning rate too high (lower --lr or add warm-up with --warmup-epochs), no gradient ' +
        'clipping (--clip-grad 5), a corrupt image in the batch, or margin/scale settings that diverge.',
    );
  }
}

/** Fields a resumed run may take from the command line instead of the checkpoint. */
const RUN_CONTROL: readonly (keyof FaceConfig)[] = [
  'maxSteps',
  'progress',
  'backend',
  'evalEvery',
  'checkpointEvery',
  'keepCheckpoints',
  'evalBatchSize',
  'data',
];

/**
 * The newest checkpoint of `checkpointsDir` that reads back whole, newest first. A damaged newer one (a
 * truncated `tensors.bin` after a full disk or a copy cut short) is skipped with its reason, so training
 * continues from the previous one and re-runs the steps in between exactly; the damaged folder is left on
 * disk untouched for inspection (the next checkpoint of the same step replaces it).
 *
 * @throws CheckpointError when none is usable, listing why each failed and what to do.
 */
async function readNewestUsableCheckpoint(
  checkpointsDir: string,
  existing: readonly { step: number; path: string }[],
): Promise<{ checkpoint: LoadedCheckpoint; skipped: string[] }> {
  if (existing.length === 0) throw new Error(`--resume: no checkpoint in ${checkpointsDir}`);
  const skipped: string[] = [];
  for (const candidate of [...existing].reverse()) {
    try {
      const checkpoint = await readCheckpoint(candidate.path);
      return { checkpoint, skipped };
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      skipped.push(`skipping damaged checkpoint: ${error.message}`);
    }
  }
  throw new CheckpointError(
    `--resume: no usable checkpoint in ${checkpointsDir}:\n  ${skipped.join('\n  ')}\n` +
      'Start the run again without --resume into a new --out (or delete the damaged folders).',
  );
}

async function readLog(path: string): Promise<LogRecord[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LogRecord);
  } catch {
    return [];
  }
}

/**
 * Trains a face-recognition model the way insightface's arcface_torch does, on one machine: backbone of
 * `@frx/resnet`, margin head, SGD (momentum, weight decay) or AdamW with backbone gradient clipping, a
 * per-iteration learning-rate schedule (MHLR, FastFace, poly, multistep, cosine), periodic 10-fold
 * verification, `log.jsonl`, SVG charts, and atomic checkpoints with exact resume.
 *
 * Writes into `config.out`: `config.json`, `log.jsonl`, `checkpoints/step-NNNNNN/`, `charts/*.svg`.
 * Sets the backend with `initBackend({ backend: config.backend })` of `@frx/tensor-utils`.
 *
 * @param config A preset with overrides (see `facePreset`).
 * @param options `resume`, hooks and the progress stream.
 * @throws NonFiniteLossError on a NaN/Inf loss (nothing applied, checkpoints intact); FaceDataError when the
 *   data is missing.
 * @example
 * const result = await trainFaceRecognition({ ...facePreset('orl-tiny'), data: '/data/orl', out: 'runs/a' });
 * console.log(result.finalReport?.accuracy);
 */
export async function trainFaceRecognition(
  config: FaceConfig,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const backend = await initBackend({ backend: config.backend });
  if (config.progress !== 'silent') {
    (options.progressStream ?? process.stderr).write(
      `backend: ${backend} (${backendSelection()?.reason ?? ''})\n`,
    );
  }
  const checkpointsDir = join(config.out, 'checkpoints');
  const logPath = join(config.out, 'log.jsonl');
  const existing = await listCheckpoints(checkpointsDir);
  let resumeFrom = null;
  let skippedCheckpoints: string[] = [];
  if (options.resume === true) {
    ({ checkpoint: resumeFrom, skipped: skippedCheckpoints } = await readNewestUsableCheckpoint(
      checkpointsDir,
      existing,
    ));
    for (const reason of skippedCheckpoints) options.onWarning?.(reason);
    const saved = resumeFrom.manifest.config;
    const control = Object.fromEntries(RUN_CONTROL.map((k) => [k, config[k]]));
    config = { ...saved, ...control, out: config.out };
  } else if (existing.length > 0) {
    throw new Error(`${checkpointsDir} already holds checkpoints: pass --resume, or choose another --out`);
  }
  await mkdir(config.out, { recursive: true });
  await writeFile(join(config.out, 'config.json'), JSON.stringify(config, null, 2));

  const data = await loadTrainingData(config);
  const { train, verification } = data;
  const budget = stepBudget(config, train.size);
  const order = new BatchOrder(train.size, config.batchSize, config.seed);
  const lastStep = config.maxSteps > 0 ? Math.min(config.maxSteps, budget.totalSteps) : budget.totalSteps;

  const model = buildBackbone(config, config.seed);
  const head = new FaceHead(train.numClasses, config.embeddingSize, config, config.seed);
  const optimizer = buildOptimizer(config, head.weight.name);
  let scheduler = buildScheduler(config, budget);
  const rng = createRng(`${config.seed}:train`);
  let step = 0;
  let extra: Record<string, unknown> = {};
  let log: LogRecord[] = [];
  let lastCheckpoint: string | null = null;
  if (resumeFrom !== null) {
    if (resumeFrom.manifest.numClasses !== train.numClasses) {
      throw new Error(
        `${resumeFrom.path} was trained on ${resumeFrom.manifest.numClasses} identities, the data has ${train.numClasses}`,
      );
    }
    restoreTrainingState(resumeFrom, { model, head, optimizer, rng });
    scheduler = restoreScheduler(resumeFrom.manifest.scheduler);
    step = resumeFrom.manifest.step;
    extra = resumeFrom.manifest.extra;
    lastCheckpoint = resumeFrom.path;
    // The log keeps what the checkpoint covers; steps after it are re-run and re-logged.
    log = (await readLog(logPath)).filter((r) => (r.type === 'step' ? r.step < step : r.step <= step));
    log.push({ type: 'resume', step, checkpoint: resumeFrom.path });
  } else if (config.pretrained !== '') {
    await loadPretrainedBackbone(model, config.pretrained);
  }
  await writeFile(logPath, log.map((r) => JSON.stringify(r) + '\n').join(''));
  // TensorBoard event files beside log.jsonl, on the native backend (tensorboard --logdir <out>/tensorboard).
  const board = await openTensorBoardWriter(join(config.out, 'tensorboard'));
  const appendLog = async (record: LogRecord) => {
    log.push(record);
    await writeFile(logPath, JSON.stringify(record) + '\n', { flag: 'a' });
    if (record.type === 'step') {
      const { loss, lr, signal, imagesPerSecond } = record;
      board?.scalars({ loss, lr, signal, imagesPerSecond }, record.step, 'train');
    } else if (record.type === 'eval') board?.scalars({ ...record }, record.step, 'eval');
  };

  // `read()` returns the layer's tf.Variable itself (its `val`), the object tf.variableGrads needs.
  const variables = [...model.trainableWeights.map((w) => w.read() as tf.Variable), head.weight];
  const size = config.inputSize;
  const pixelsPerImage = size * size * 3;
  const progress = createProgress({
    total: (lastStep - step) * config.batchSize,
    label: `${config.backbone} ${config.scheduler}`,
    unit: 'img',
    mode: config.progress,
    ...(options.progressStream !== undefined ? { stream: options.progressStream } : {}),
  });
  const evaluate = async (done: number): Promise<VerificationReport | null> => {
    if (verification === null) return null;
    const { report } = await verifyModel(model, verification, { batchSize: config.evalBatchSize });
    await appendLog({ type: 'eval', step: done, ...report });
    const best = typeof extra['bestAccuracy'] === 'number' ? extra['bestAccuracy'] : 0;
    extra = { ...extra, bestAccuracy: Math.max(best, report.accuracy) };
    return report;
  };
  const checkpoint = async (done: number) => {
    lastCheckpoint = await saveCheckpoint(
      checkpointsDir,
      { step: done, config, model, head, optimizer, scheduler, rng, extra },
      config.keepCheckpoints,
    );
  };

  const started = performance.now();
  let finalReport: VerificationReport | null = null;
  try {
    while (step < lastStep) {
      const stepStart = performance.now();
      const position = order.at(step);
      const labels = Int32Array.from(position.indices, (i) => train.labels[i]!);
      const pixels = new Float32Array(config.batchSize * pixelsPerImage);
      for (let k = 0; k < position.indices.length; k++) {
        const flip = config.flip && rng.next() < 0.5;
        const image = await train.image(position.indices[k]!);
        writeNormalizedImage(image, 'insightface', pixels, k * pixelsPerImage, flip);
      }
      options.onBatch?.(step, pixels, labels);
      const sample = head.sample(labels, rng);
      const lr = scheduler.lr;
      optimizer.setLearningRate(lr);
      const x = tf.tensor4d(pixels, [config.batchSize, size, size, 3]);
      const { value, grads } = tf.variableGrads(
        () => head.loss(model.apply(x, { training: true }) as tf.Tensor2D, sample),
        variables,
      );
      x.dispose();
      const loss = (await value.data())[0]!;
      value.dispose();
      const squaredNorm = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      const gradientNorm = Math.sqrt((await squaredNorm.data())[0]!);
      squaredNorm.dispose();
      if (!Number.isFinite(loss) || !Number.isFinite(gradientNorm)) {
        tf.dispose(grads);
        const [quantity, bad] = Number.isFinite(loss)
          ? (['gradient norm', gradientNorm] as const)
          : (['loss', loss] as const);
        throw new NonFiniteLossError(step, quantity, bad, lastCheckpoint);
      }
      optimizer.applyGradients(grads);
      tf.dispose(grads);
      scheduler.step(loss);
      const record: StepRecord = {
        type: 'step',
        step,
        epoch: position.epoch,
        loss,
        lr,
        signal: scheduler.signal?.value ?? null,
        imagesPerSecond: (config.batchSize * 1000) / (performance.now() - stepStart),
        tensors: tf.memory().numTensors,
      };
      await appendLog(record);
      options.onStep?.(record);
      progress.tick(config.batchSize, { loss: Number(loss.toFixed(4)), lr: Number(lr.toPrecision(3)) });
      step++;
      if (config.evalEvery > 0 && step % config.evalEvery === 0 && step < lastStep) await evaluate(step);
      if (config.checkpointEvery > 0 && step % config.checkpointEvery === 0 && step < lastStep)
        await checkpoint(step);
    }
    progress.finish();
    const trainSeconds = (performance.now() - started) / 1000;
    finalReport = await evaluate(step);
    await checkpoint(step);
    await writeRunCharts(config.out, log);
    return {
      steps: log.filter((r): r is StepRecord => r.type === 'step'),
      evals: log.filter((r): r is EvalRecord => r.type === 'eval'),
      finalStep: step,
      totalSteps: budget.totalSteps,
      checkpoint: lastCheckpoint!,
      finalReport,
      trainSeconds,
      backend,
      skippedCheckpoints,
    };
  } finally {
    progress.finish();
    board?.flush();
    optimizer.dispose();
    head.dispose();
    model.dispose();
    await train.close();
  }
}
