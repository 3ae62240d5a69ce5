import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Adam, INCEPTION_TIME_PLATEAU, ReduceLROnPlateau, StepScheduler, type LrScheduler } from '@frx/mhlr';
import { createRng, permutation } from '@frx/tensor-utils';

import { numberInRange, positiveInteger, rejectUnknownOptions } from '../internal/validate';
import type { ClassificationLoss } from '../losses/classification-loss';
import { crossEntropyLoss } from '../losses/cross-entropy-loss';
import type { SeriesMatrix } from '../rocket/series-matrix';
import { checkLabelledSeries, fillBatch, type LabelledSeriesMatrix } from './batches';
import { recomputeBatchNormStatistics } from './recompute-batch-norm';

/** What {@link trainClassifier} reports after each epoch. */
export interface EpochInfo {
  /** 0-based epoch index. */
  epoch: number;
  /** Mean training loss of the epoch (sample-weighted over batches). */
  loss: number;
  /** Learning rate used during the epoch. */
  learningRate: number;
  /** Seconds spent in the epoch. */
  seconds: number;
}

/** Options of {@link trainClassifier} (and the shared part of {@link trainStudent}'s). */
export interface TrainClassifierOptions {
  /** Epochs. Default 1500 (InceptionTime); the KDCTime recipe uses 512. */
  epochs?: number;
  /** Mini-batch size, or `'auto'` for hfawaz's `⌊min(N/10, 16)⌋`. Default 64. */
  batchSize?: number | 'auto';
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** Adam ε. Default 1e-7 (Keras); PyTorch (KDCTime) uses 1e-8. */
  adamEpsilon?: number;
  /**
   * Learning-rate schedule, stepped once per epoch: `'plateau'` (ReduceLROnPlateau on the training loss, factor 0.5,
   * patience 50, min 1e-4: InceptionTime), `'step'` (StepLR, `stepSize` epochs, ×`gamma`: KDCTime) or `'constant'`.
   * Default `'plateau'`.
   */
  schedule?: 'plateau' | 'step' | 'constant';
  /** Patience of the `'plateau'` schedule. Default 50. */
  plateauPatience?: number;
  /** Epochs between decays of the `'step'` schedule. Default 72. */
  stepSize?: number;
  /** Decay factor of the `'step'` schedule. Default 0.5. */
  stepGamma?: number;
  /**
   * Which weights the model keeps: `'best-train-loss'` (Keras ModelCheckpoint on the training loss, InceptionTime) or
   * `'last'` (KDCTime reports the last epoch). Default `'best-train-loss'`.
   */
  checkpoint?: 'best-train-loss' | 'last';
  /**
   * Batch-normalisation statistics the trained model keeps: `'recompute'` replaces the moving averages by the exact
   * statistics of the training series under the kept weights ({@link recomputeBatchNormStatistics}, one
   * training-mode pass after training); `'moving'` keeps the layers' moving averages as Keras/PyTorch leave them.
   * With the published 1500 epochs both agree; with a CPU budget of tens of epochs the moving averages (Keras
   * momentum 0.99) are still far from the data and `'moving'` loses up to tens of accuracy points. Default
   * `'recompute'`.
   */
  batchNormStatistics?: 'recompute' | 'moving';
  /** Training loss. Default {@link crossEntropyLoss}. */
  loss?: ClassificationLoss;
  /** Seed of the per-epoch shuffling. Default 0. */
  seed?: number | string;
  /** Called after every epoch (e.g. progress display); may be async. */
  onEpochEnd?: (info: EpochInfo) => void | Promise<void>;
}

/** The record of a training run. */
export interface TrainingHistory {
  /** Mean training loss per epoch. */
  losses: number[];
  /** Learning rate per epoch. */
  learningRates: number[];
  /** Epoch whose weights the model holds at the end. */
  keptEpoch: number;
  /** Wall-clock seconds of the whole run. */
  seconds: number;
}

/** InceptionTime's recipe (hfawaz/InceptionTime): Adam 1e-3 (ε 1e-7), batch 64, 1500 epochs, plateau, best checkpoint. */
export const INCEPTION_TIME_TRAINING = {
  epochs: 1500,
  batchSize: 64,
  learningRate: 1e-3,
  adamEpsilon: 1e-7,
  schedule: 'plateau',
  checkpoint: 'best-train-loss',
} as const satisfies TrainClassifierOptions;

/** KDCTime's recipe (`Teacher.py`/`Student.py`): Adam 1e-3 (ε 1e-8), batch 64, 512 epochs, StepLR(72, 0.5), last epoch. */
export const KDCTIME_TRAINING = {
  epochs: 512,
  batchSize: 64,
  learningRate: 1e-3,
  adamEpsilon: 1e-8,
  schedule: 'step',
  stepSize: 72,
  stepGamma: 0.5,
  checkpoint: 'last',
} as const satisfies TrainClassifierOptions;

export const TRAIN_OPTION_KEYS = [
  'epochs',
  'batchSize',
  'learningRate',
  'adamEpsilon',
  'schedule',
  'plateauPatience',
  'stepSize',
  'stepGamma',
  'checkpoint',
  'batchNormStatistics',
  'loss',
  'seed',
  'onEpochEnd',
] as const;

/**
 * Trains a classifier (an InceptionTime teacher or a plain model) with Adam in a custom loop
 * (`optimizer.minimize` on `model.apply(x, { training: true })`, so batch normalisation uses batch statistics and
 * updates its moving averages), one learning-rate schedule step per epoch, and the chosen checkpoint policy.
 * Batches are built from host arrays each step; the tensor count stays constant from step to step.
 *
 * @param model - a model mapping `[batch, length, channels]` to logits `[batch, classes]` (e.g. {@link inceptionTime}).
 * @param data - training series `[cases, length, channels]`, class codes and the number of classes.
 * @param options - see {@link TrainClassifierOptions}; spread {@link INCEPTION_TIME_TRAINING} or
 *   {@link KDCTIME_TRAINING} for the published recipes.
 * @returns the loss and learning-rate history.
 *
 * @example
 * const model = inceptionTime({ classes: 2, length: 150, seed: 1 });
 * await trainClassifier(model, { series: train, codes, classes: 2 }, { ...INCEPTION_TIME_TRAINING, epochs: 200 });
 */
export async function trainClassifier(
  model: tfl.LayersModel,
  data: LabelledSeriesMatrix,
  options: TrainClassifierOptions = {},
): Promise<TrainingHistory> {
  rejectUnknownOptions('trainClassifier', options, TRAIN_OPTION_KEYS);
  return runTraining('trainClassifier', model, data, null, options.loss ?? crossEntropyLoss(), options);
}

/** The training loop shared by {@link trainClassifier} and `trainStudent`. */
export async function runTraining(
  owner: string,
  model: tfl.LayersModel,
  data: LabelledSeriesMatrix,
  targets: Float32Array | null,
  loss: ClassificationLoss,
  options: TrainClassifierOptions,
): Promise<TrainingHistory> {
  const [cases, length, channels] = checkLabelledSeries(owner, data);
  const classes = data.classes;
  const epochs = positiveInteger(owner, 'epochs', options.epochs, INCEPTION_TIME_TRAINING.epochs);
  const batchSize =
    options.batchSize === 'auto'
      ? Math.max(1, Math.floor(Math.min(cases / 10, 16)))
      : positiveInteger(owner, 'batchSize', options.batchSize, 64);
  const learningRate = numberInRange(owner, 'learningRate', options.learningRate, 1e-3, 0, 10);
  const epsilon = numberInRange(owner, 'adamEpsilon', options.adamEpsilon, 1e-7, 0, 1);
  const schedule = options.schedule ?? 'plateau';
  const checkpoint = options.checkpoint ?? 'best-train-loss';
  if (!['plateau', 'step', 'constant'].includes(schedule)) {
    throw new RangeError(`${owner}: schedule must be 'plateau', 'step' or 'constant', got "${schedule}"`);
  }
  if (checkpoint !== 'best-train-loss' && checkpoint !== 'last') {
    throw new RangeError(
      `${owner}: checkpoint must be 'best-train-loss' or 'last', got "${String(checkpoint)}"`,
    );
  }
  const batchNormStatistics = options.batchNormStatistics ?? 'recompute';
  if (batchNormStatistics !== 'recompute' && batchNormStatistics !== 'moving') {
    throw new RangeError(
      `${owner}: batchNormStatistics must be 'recompute' or 'moving', got "${String(batchNormStatistics)}"`,
    );
  }
  let scheduler: LrScheduler | null = null;
  if (schedule === 'plateau') {
    scheduler = new ReduceLROnPlateau({
      lr: learningRate,
      ...INCEPTION_TIME_PLATEAU,
      patience: positiveInteger(
        owner,
        'plateauPatience',
        options.plateauPatience,
        INCEPTION_TIME_PLATEAU.patience,
      ),
    });
  } else if (schedule === 'step') {
    scheduler = new StepScheduler({
      lr: learningRate,
      stepSize: positiveInteger(owner, 'stepSize', options.stepSize, 72),
      gamma: numberInRange(owner, 'stepGamma', options.stepGamma, 0.5, 0, 1),
    });
  }
  const rng = createRng(options.seed ?? 0);
  const optimizer = new Adam({ learningRate, epsilon });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const xBuffer = new Float32Array(batchSize * length * channels);
  const yBuffer = new Float32Array(batchSize * classes);
  const tBuffer = targets ? new Float32Array(batchSize * classes) : null;
  const history: TrainingHistory = { losses: [], learningRates: [], keptEpoch: epochs - 1, seconds: 0 };
  let best: tf.Tensor[] | null = null;
  let bestLoss = Infinity;
  const start = performance.now();
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const epochStart = performance.now();
      const lr = scheduler ? scheduler.lr : learningRate;
      optimizer.setLearningRate(lr);
      const order = permutation(cases, rng);
      let total = 0;
      for (let from = 0; from < cases; from += batchSize) {
        const size = Math.min(batchSize, cases - from);
        fillBatch(data, targets, order, from, size, xBuffer, yBuffer, tBuffer);
        const cost = tf.tidy((): tf.Scalar => {
          const xb = tf.tensor3d(xBuffer.subarray(0, size * length * channels), [size, length, channels]);
          const yb = tf.tensor2d(yBuffer.subarray(0, size * classes), [size, classes]);
          const tb = tBuffer ? tf.tensor2d(tBuffer.subarray(0, size * classes), [size, classes]) : undefined;
          const value = optimizer.minimize(
            () => loss(yb, model.apply(xb, { training: true }) as tf.Tensor2D, tb),
            true,
            variables,
          );
          if (!value) throw new Error(`${owner}: the optimizer returned no loss`);
          return value;
        });
        total += cost.dataSync()[0]! * size;
        cost.dispose();
      }
      const epochLoss = total / cases;
      if (!Number.isFinite(epochLoss))
        throw new Error(`${owner}: training loss became ${epochLoss} at epoch ${epoch}`);
      history.losses.push(epochLoss);
      history.learningRates.push(lr);
      if (checkpoint === 'best-train-loss' && epochLoss < bestLoss) {
        bestLoss = epochLoss;
        history.keptEpoch = epoch;
        if (best) tf.dispose(best);
        best = model.getWeights().map((w) => tf.keep(tf.clone(w)));
      }
      scheduler?.step(epochLoss);
      await options.onEpochEnd?.({
        epoch,
        loss: epochLoss,
        learningRate: lr,
        seconds: (performance.now() - epochStart) / 1000,
      });
    }
    if (best) model.setWeights(best);
    if (batchNormStatistics === 'recompute') recomputeBatchNormStatistics(model, data.series);
  } finally {
    if (best) tf.dispose(best);
    optimizer.dispose();
  }
  history.seconds = (performance.now() - start) / 1000;
  return history;
}

export type { LabelledSeriesMatrix, SeriesMatrix };
