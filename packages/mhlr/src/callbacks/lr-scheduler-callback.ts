import { InvalidOptionError } from '../errors';
import { oneOf, rejectUnknownKeys } from '../internal/validate';
import type { DetectorSignal, LrScheduler } from '../schedulers/lr-scheduler';

/** Anything whose learning rate can be set: this package's optimizers, tfjs `SGDOptimizer` / `MomentumOptimizer`. */
export interface LearningRateSettable {
  setLearningRate(learningRate: number): void;
}

/** Logs as tfjs-layers passes them to callbacks (values already resolved to numbers). */
export type CallbackLogs = Record<string, unknown>;

/** Options of {@link lrSchedulerCallback}. */
export interface LrSchedulerCallbackOptions {
  /** The scheduler to step. Required. */
  scheduler: LrScheduler;
  /** The optimizer passed to `model.compile`, whose rate is set from `scheduler.lr`. Required. */
  optimizer: LearningRateSettable;
  /** The log key fed to `scheduler.step`. Default `'loss'` (the raw mini-batch loss on batch end). */
  monitor?: string;
  /** Step per `'batch'` (MHLR, FastFace, per-iteration schedules) or per `'epoch'`. Default `'batch'`. */
  frequency?: 'batch' | 'epoch';
  /** Called after every step in which the rate changed. Default none. */
  onChange?: (event: { step: number; from: number; to: number; signal: DetectorSignal | null }) => void;
}

/** The callback object: a `tf.CustomCallbackArgs` that `model.fit({ callbacks })` accepts as is. */
export interface LrSchedulerCallback {
  onTrainBegin: (logs?: CallbackLogs) => Promise<void>;
  onBatchEnd: (batch: number, logs?: CallbackLogs) => Promise<void>;
  onEpochEnd: (epoch: number, logs?: CallbackLogs) => Promise<void>;
}

/**
 * Connects a scheduler to `model.fit`: at the start of training it sets the optimizer's rate to
 * `scheduler.lr`, and after every batch (or epoch) it feeds `logs[monitor]` to `scheduler.step` and
 * sets the new rate, which therefore applies from the next batch. Duck-typed `CustomCallbackArgs`, so
 * this package needs no dependency on tfjs-layers.
 *
 * @example
 * const optimizer = new SGD({ learningRate: 0.02, momentum: 0.9, weightDecay: 5e-4 });
 * const scheduler = new FastFaceScheduler({ lr: 0.02, totalSteps: epochs * batchesPerEpoch });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 * await model.fit(x, y, { epochs, callbacks: [lrSchedulerCallback({ scheduler, optimizer })] });
 */
export function lrSchedulerCallback(options: LrSchedulerCallbackOptions): LrSchedulerCallback {
  const owner = 'lrSchedulerCallback';
  rejectUnknownKeys(owner, options, ['scheduler', 'optimizer', 'monitor', 'frequency', 'onChange']);
  const { scheduler, optimizer, onChange } = options;
  if (scheduler === null || typeof scheduler?.step !== 'function') {
    throw new InvalidOptionError(owner, 'scheduler', 'must be an LrScheduler');
  }
  if (optimizer === null || typeof optimizer?.setLearningRate !== 'function') {
    throw new InvalidOptionError(owner, 'optimizer', 'must have a setLearningRate(lr) method');
  }
  const monitor = options.monitor ?? 'loss';
  if (typeof monitor !== 'string') throw new InvalidOptionError(owner, 'monitor', 'must be a string');
  const frequency = oneOf(owner, 'frequency', options.frequency, ['batch', 'epoch'], 'batch');

  const advance = (where: string, logs: CallbackLogs | undefined): Promise<void> => {
    const value = logs?.[monitor];
    if (typeof value !== 'number') {
      return Promise.reject(
        new Error(`${owner}: ${where} logs have no numeric '${monitor}' (got ${JSON.stringify(value)})`),
      );
    }
    const from = scheduler.lr;
    const to = scheduler.step(value);
    optimizer.setLearningRate(to);
    if (to !== from) onChange?.({ step: scheduler.stepCount - 1, from, to, signal: scheduler.signal });
    return Promise.resolve();
  };

  return {
    onTrainBegin: () => {
      optimizer.setLearningRate(scheduler.lr);
      return Promise.resolve();
    },
    onBatchEnd: (batch, logs) =>
      frequency === 'batch' ? advance(`batch ${batch}`, logs) : Promise.resolve(),
    onEpochEnd: (epoch, logs) =>
      frequency === 'epoch' ? advance(`epoch ${epoch}`, logs) : Promise.resolve(),
  };
}
