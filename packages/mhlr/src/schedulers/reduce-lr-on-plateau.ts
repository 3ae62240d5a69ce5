import { InvalidStateError, NonFiniteLossError } from '../errors';
import {
  checkEnvelope,
  finiteNumber,
  integer,
  oneOf,
  rejectUnknownKeys,
  stateField,
  stateInteger,
} from '../internal/validate';
import type { DetectorSignal, LrScheduler, SchedulerJSON } from './lr-scheduler';
import type { NonFiniteLossPolicy } from './multiplicative-scheduler';

/** Options of {@link ReduceLROnPlateau}; defaults are Keras's. */
export interface ReduceLROnPlateauOptions {
  /** Initial learning rate, > 0. Required. */
  lr: number;
  /** Multiplier of a reduction, in (0, 1). Default `0.1`. */
  factor?: number;
  /** Non-improving steps (epochs) before a reduction. Default `10`. */
  patience?: number;
  /** `'min'`: lower is better (a loss); `'max'`: higher is better (an accuracy). Default `'min'`. */
  mode?: 'min' | 'max';
  /** An improvement must beat the best value by more than this (absolute). Default `1e-4`. */
  minDelta?: number;
  /** Steps after a reduction during which the patience counter stays at 0. Default `0`. */
  cooldown?: number;
  /** The rate never goes below this. Default `0`. */
  minLr?: number;
  /** NaN / ±Infinity values: `'throw'` a {@link NonFiniteLossError} or `'skip'` them. Default `'throw'`. */
  onNonFinite?: NonFiniteLossPolicy;
}

/** InceptionTime's settings (hfawaz/InceptionTime `classifiers/inception.py`), on the training loss per epoch. */
export const INCEPTION_TIME_PLATEAU = { factor: 0.5, patience: 50, minLr: 1e-4 } as const;

const OPTION_KEYS = [
  'lr',
  'factor',
  'patience',
  'mode',
  'minDelta',
  'cooldown',
  'minLr',
  'onNonFinite',
] as const;

/**
 * Keras `ReduceLROnPlateau`: call `step(value)` with the monitored value (usually once per epoch). When
 * the value has not improved on the best one by `minDelta` for `patience` steps, the rate becomes
 * `max(lr · factor, minLr)` and a `cooldown` starts. Follows tf.keras `callbacks.ReduceLROnPlateau`
 * step for step (including that the rate is only reduced while it is above `minLr`).
 *
 * @example
 * // InceptionTime: Adam 1e-3, training loss, factor 0.5, patience 50, min_lr 1e-4
 * const scheduler = new ReduceLROnPlateau({ lr: 1e-3, ...INCEPTION_TIME_PLATEAU });
 * for (let epoch = 0; epoch < 1500; epoch++) scheduler.step(await trainEpoch());
 */
export class ReduceLROnPlateau implements LrScheduler {
  readonly kind = 'ReduceLROnPlateau';
  private readonly baseLr: number;
  private readonly factor: number;
  private readonly patience: number;
  private readonly mode: 'min' | 'max';
  private readonly minDelta: number;
  private readonly cooldown: number;
  private readonly minLr: number;
  private readonly onNonFinite: NonFiniteLossPolicy;

  private currentLr: number;
  private count = 0;
  private skipped = 0;
  private best: number | null = null;
  private wait = 0;
  private cooldownCounter = 0;
  private lastValue: number | null = null;

  constructor(options: ReduceLROnPlateauOptions) {
    const owner = this.kind;
    rejectUnknownKeys(owner, options, OPTION_KEYS);
    this.baseLr = finiteNumber(owner, 'lr', options.lr, undefined, { min: 0, minExclusive: true });
    this.factor = finiteNumber(owner, 'factor', options.factor, 0.1, {
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    });
    this.patience = integer(owner, 'patience', options.patience, 10);
    this.mode = oneOf(owner, 'mode', options.mode, ['min', 'max'], 'min');
    this.minDelta = finiteNumber(owner, 'minDelta', options.minDelta, 1e-4, { min: 0 });
    this.cooldown = integer(owner, 'cooldown', options.cooldown, 0);
    this.minLr = finiteNumber(owner, 'minLr', options.minLr, 0, { min: 0 });
    this.onNonFinite = oneOf(owner, 'onNonFinite', options.onNonFinite, ['throw', 'skip'], 'throw');
    this.currentLr = this.baseLr;
  }

  get lr(): number {
    return this.currentLr;
  }

  get stepCount(): number {
    return this.count;
  }

  /** The best monitored value so far, or `null` before the first step. */
  get bestValue(): number | null {
    return this.best;
  }

  get signal(): DetectorSignal {
    const threshold =
      this.best === null
        ? Number.NaN
        : this.mode === 'min'
          ? this.best - this.minDelta
          : this.best + this.minDelta;
    return {
      name: 'monitored',
      value: this.lastValue,
      threshold,
      counter: this.wait,
      patience: this.patience,
    };
  }

  step(value?: number): number {
    if (typeof value !== 'number') {
      throw new TypeError(
        `${this.kind}: step ${this.count} needs the monitored value as a number, got ${String(value)}`,
      );
    }
    if (!Number.isFinite(value)) {
      if (this.onNonFinite === 'throw') throw new NonFiniteLossError(this.kind, this.count, value);
      this.count++;
      this.skipped++;
      return this.currentLr;
    }
    this.count++;
    this.lastValue = value;
    const inCooldown = this.cooldownCounter > 0;
    if (inCooldown) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const improved =
      this.best === null ||
      (this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (improved) {
      this.best = value;
      this.wait = 0;
    } else if (!inCooldown) {
      this.wait++;
      if (this.wait >= this.patience && this.currentLr > Math.fround(this.minLr)) {
        this.currentLr = Math.max(this.currentLr * this.factor, this.minLr);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
    return this.currentLr;
  }

  toJSON(): SchedulerJSON {
    return {
      kind: this.kind,
      version: 1,
      options: {
        lr: this.baseLr,
        factor: this.factor,
        patience: this.patience,
        mode: this.mode,
        minDelta: this.minDelta,
        cooldown: this.cooldown,
        minLr: this.minLr,
        onNonFinite: this.onNonFinite,
      },
      state: {
        lr: this.currentLr,
        stepCount: this.count,
        skippedSteps: this.skipped,
        best: this.best,
        wait: this.wait,
        cooldownCounter: this.cooldownCounter,
        lastValue: this.lastValue,
      },
    };
  }

  /** Rebuilds a scheduler from {@link ReduceLROnPlateau.toJSON} output. */
  static fromJSON(json: unknown): ReduceLROnPlateau {
    const owner = 'ReduceLROnPlateau';
    const { options, state } = checkEnvelope(owner, json, owner, 1);
    const scheduler = new ReduceLROnPlateau(options as unknown as ReduceLROnPlateauOptions);
    const lr = stateField<number>(owner, state, 'lr', 'number');
    if (!(lr > 0)) throw new InvalidStateError(owner, 'lr', `must be > 0, got ${lr}`);
    scheduler.currentLr = lr;
    scheduler.count = stateInteger(owner, state, 'stepCount');
    scheduler.skipped = stateInteger(owner, state, 'skippedSteps');
    scheduler.best = stateField<number | null>(owner, state, 'best', 'number|null');
    scheduler.wait = stateInteger(owner, state, 'wait');
    scheduler.cooldownCounter = stateInteger(owner, state, 'cooldownCounter');
    scheduler.lastValue = stateField<number | null>(owner, state, 'lastValue', 'number|null');
    return scheduler;
  }
}
