import { InvalidOptionError, InvalidStateError } from '../errors';
import {
  boolean,
  checkEnvelope,
  finiteNumber,
  integer,
  oneOf,
  rejectUnknownKeys,
  stateField,
  stateInteger,
  stateNumbers,
} from '../internal/validate';
import type { DetectorSignal } from './lr-scheduler';
import { MultiplicativeScheduler, type MultiplicativeSchedulerOptions } from './multiplicative-scheduler';

/** Haar threshold of MHLR v1 in loss units (amoonfana/FastFace `lr_scheduler.py`, v1 code). */
export const MHLR_THRESHOLD = 0.06;
/** Window as a fraction of the total iterations, ⌊0.015·T⌋ (amoonfana/FastFace `MHLR_temp.py`). */
export const MHLR_WINDOW_FRACTION = 0.015;
/** Halvings in a row before the ×4 rebound, as the published MS1MV3 and WebFace4M logs show. */
export const MHLR_REBOUND_AFTER = 3;

/** Options of {@link MovingHaarScheduler}. Give `window`, or `totalSteps` (and optionally `windowFraction`). */
export interface MovingHaarSchedulerOptions extends MultiplicativeSchedulerOptions {
  /** Window m of the box moving average and of the Haar kernel, >= 2 (4000 in the MS1MV3 run). */
  window?: number;
  /** Total iterations T, used when `window` is absent: m = ⌊windowFraction · T⌋. */
  totalSteps?: number;
  /** Fraction of T giving m when `window` is absent. Default `0.015` ({@link MHLR_WINDOW_FRACTION}). */
  windowFraction?: number;
  /** A Haar response below this counts as plateau, in loss units. Default `0.06` ({@link MHLR_THRESHOLD}). */
  threshold?: number;
  /** The plateau counter must exceed this to act. Default `2m`. */
  patience?: number;
  /** Multiplier of a decay. Default `0.5`. */
  decay?: number;
  /** Multiplier of the rebound. Default `4`. */
  rebound?: number;
  /**
   * Consecutive decays after which the next trigger rebounds instead. Default `3` (the published logs:
   * ½, ½, ½, ×4); the literal commented code corresponds to `2` (½, ½, ×4).
   */
  reboundAfter?: number;
  /**
   * Keep the original's off-by-one: the first moving average is produced at i = m (window
   * L₁…L_m, L₀ never enters) and the first Haar response at i = 2m. Default `false`: first moving
   * average at i = m − 1, first response at i = 2m − 1.
   */
  faithfulStart?: boolean;
}

const OPTION_KEYS = [
  'lr',
  'window',
  'totalSteps',
  'windowFraction',
  'threshold',
  'patience',
  'decay',
  'rebound',
  'reboundAfter',
  'faithfulStart',
  'delayed',
  'onNonFinite',
] as const;

/** Recompute the running sums from the buffers this often (in pushes) so rounding cannot drift. */
const RESUM_EVERY_WINDOWS = 1;

/**
 * MHLR v1, the "moving Haar" learning-rate scheduler of Gong et al., "MHLR: Moving Haar Learning Rate
 * Scheduler for Large-scale Face Recognition Training with One GPU" (arXiv 2404.11118 v1), as
 * reconstructed from amoonfana/FastFace and checked against its published training logs.
 *
 * Fed the raw loss L_i of every iteration, it keeps the box moving average
 * `MA_i = mean(L_{i−m+1..i})` and the Haar response on the m moving averages preceding the current one,
 * `H_i = (1/m)·(Σ older half − Σ newer half)` (½·(older mean − newer mean)); a loss falling at s per
 * iteration gives H = s·m/4. While `H < threshold` a counter grows; when it exceeds `patience` (2m) the
 * rate is halved, and after `reboundAfter` (3) consecutive halvings the next trigger multiplies it by 4
 * instead. Any iteration with `H ≥ threshold` resets both counters. On a flat loss triggers come
 * exactly 2m + 1 iterations apart. Sums are kept running, so a step costs O(1) whatever m is.
 *
 * For odd m the kernel spans the 2·⌊m/2⌋ most recent of those moving averages (a design choice: the
 * sources only use even m explicitly); the scale stays 1/m.
 *
 * @example
 * const scheduler = new MovingHaarScheduler({ lr: 0.02, window: 4000 }); // MS1MV3 run
 * // or: new MovingHaarScheduler({ lr: 0.02, totalSteps: 165_435 }) → m = ⌊0.015·T⌋ = 2481
 * for (const loss of losses) {
 *   optimizer.setLearningRate(scheduler.lr);
 *   scheduler.step(loss); // after the optimizer step of that iteration
 * }
 */
export class MovingHaarScheduler extends MultiplicativeScheduler {
  readonly kind = 'MovingHaarScheduler';
  /** The resolved window m. */
  readonly window: number;
  private readonly baseLr: number;
  private readonly threshold: number;
  private readonly patience: number;
  private readonly decay: number;
  private readonly rebound: number;
  private readonly reboundAfter: number;
  private readonly faithfulStart: boolean;
  private readonly half: number;
  private readonly totalSteps: number | null;
  private readonly windowFraction: number;
  private readonly explicitWindow: boolean;

  // Detector state.
  private readonly losses: Float64Array; // ring of the last m losses, slot = i mod m
  private readonly averages: Float64Array; // ring of the last 2h moving averages, slot = j mod 2h
  private lossCount = 0;
  private averageCount = 0;
  private lossSum = 0;
  private olderSum = 0;
  private newerSum = 0;
  private plateauCount = 0;
  private decaysInRow = 0;
  private lastResponse: number | null = null;
  private lastAverage: number | null = null;

  constructor(options: MovingHaarSchedulerOptions) {
    const owner = 'MovingHaarScheduler';
    rejectUnknownKeys(owner, options, OPTION_KEYS);
    const lr = finiteNumber(owner, 'lr', options.lr, undefined, { min: 0, minExclusive: true });
    super(
      lr,
      boolean(owner, 'delayed', options.delayed, false),
      oneOf(owner, 'onNonFinite', options.onNonFinite, ['throw', 'skip'], 'throw'),
    );
    this.baseLr = lr;
    this.windowFraction = finiteNumber(
      owner,
      'windowFraction',
      options.windowFraction,
      MHLR_WINDOW_FRACTION,
      {
        min: 0,
        minExclusive: true,
        max: 1,
      },
    );
    this.totalSteps =
      options.totalSteps === undefined
        ? null
        : integer(owner, 'totalSteps', options.totalSteps, undefined, 1);
    if (options.window !== undefined) {
      this.window = integer(owner, 'window', options.window, undefined, 2);
      this.explicitWindow = true;
    } else {
      if (this.totalSteps === null) {
        throw new InvalidOptionError(
          owner,
          'window',
          'is required unless totalSteps is given (m = ⌊windowFraction·T⌋)',
        );
      }
      this.window = Math.floor(this.windowFraction * this.totalSteps);
      if (this.window < 2) {
        throw new InvalidOptionError(
          owner,
          'totalSteps',
          `gives window ⌊${this.windowFraction}·${this.totalSteps}⌋ = ${this.window}, need >= 2`,
        );
      }
      this.explicitWindow = false;
    }
    this.threshold = finiteNumber(owner, 'threshold', options.threshold, MHLR_THRESHOLD);
    this.patience = integer(owner, 'patience', options.patience, 2 * this.window);
    this.decay = finiteNumber(owner, 'decay', options.decay, 0.5, { min: 0, minExclusive: true });
    this.rebound = finiteNumber(owner, 'rebound', options.rebound, 4, { min: 0, minExclusive: true });
    this.reboundAfter = integer(owner, 'reboundAfter', options.reboundAfter, MHLR_REBOUND_AFTER, 1);
    this.faithfulStart = boolean(owner, 'faithfulStart', options.faithfulStart, false);
    this.half = Math.floor(this.window / 2);
    this.losses = new Float64Array(this.window);
    this.averages = new Float64Array(2 * this.half);
  }

  /** The latest Haar response H_i, or `null` before i = 2m − 1 (2m with `faithfulStart`). */
  get haarResponse(): number | null {
    return this.lastResponse;
  }

  /** The latest box moving average MA_i, or `null` before the first full window. */
  get movingAverage(): number | null {
    return this.lastAverage;
  }

  /** Consecutive decays since the last rebound or non-plateau iteration. */
  get consecutiveDecays(): number {
    return this.decaysInRow;
  }

  get signal(): DetectorSignal {
    return {
      name: 'haar response',
      value: this.lastResponse,
      threshold: this.threshold,
      counter: this.plateauCount,
      patience: this.patience,
    };
  }

  protected decide(loss: number): number {
    const m = this.window;
    // H_i looks at the m moving averages before MA_i, so it is computed before MA_i is pushed.
    let multiplier = 1;
    if (this.averageCount >= m) {
      const response = (this.olderSum - this.newerSum) / m;
      this.lastResponse = response;
      if (response < this.threshold) {
        this.plateauCount++;
        if (this.plateauCount > this.patience) {
          this.plateauCount = 0;
          if (this.decaysInRow === this.reboundAfter) {
            multiplier = this.rebound;
            this.decaysInRow = 0;
          } else {
            multiplier = this.decay;
            this.decaysInRow++;
          }
        }
      } else {
        this.plateauCount = 0;
        this.decaysInRow = 0;
      }
    }
    this.pushLoss(loss);
    return multiplier;
  }

  private pushLoss(loss: number): void {
    const m = this.window;
    const slot = this.lossCount % m;
    if (this.lossCount >= m) this.lossSum -= this.losses[slot]!;
    this.losses[slot] = loss;
    this.lossSum += loss;
    this.lossCount++;
    if (this.lossCount % (m * RESUM_EVERY_WINDOWS) === 0) this.lossSum = sum(this.losses);
    if (this.lossCount >= m + (this.faithfulStart ? 1 : 0)) this.pushAverage(this.lossSum / m);
  }

  private pushAverage(average: number): void {
    const h = this.half;
    const size = 2 * h;
    const j = this.averageCount;
    this.lastAverage = average;
    // MA_{j−h} moves from the newer half to the older half; MA_{j−2h} leaves the older half.
    if (j >= h) {
      const moving = this.averages[(j - h) % size]!;
      this.newerSum -= moving;
      this.olderSum += moving;
    }
    if (j >= size) this.olderSum -= this.averages[j % size]!;
    this.averages[j % size] = average;
    this.newerSum += average;
    this.averageCount++;
    if (this.averageCount % (size * RESUM_EVERY_WINDOWS) === 0) this.resumAverages();
  }

  private resumAverages(): void {
    const h = this.half;
    const size = 2 * h;
    const j = this.averageCount; // next index to write
    let older = 0;
    let newer = 0;
    for (let k = Math.max(0, j - size); k < j; k++) {
      if (k >= j - h) newer += this.averages[k % size]!;
      else older += this.averages[k % size]!;
    }
    this.olderSum = older;
    this.newerSum = newer;
  }

  protected detectorOptions(): Record<string, unknown> {
    const options: Record<string, unknown> = {
      lr: this.baseLr,
      threshold: this.threshold,
      patience: this.patience,
      decay: this.decay,
      rebound: this.rebound,
      reboundAfter: this.reboundAfter,
      faithfulStart: this.faithfulStart,
    };
    if (this.explicitWindow) options.window = this.window;
    else options.windowFraction = this.windowFraction;
    if (this.totalSteps !== null) options.totalSteps = this.totalSteps;
    return options;
  }

  protected detectorState(): Record<string, unknown> {
    return {
      lossCount: this.lossCount,
      averageCount: this.averageCount,
      losses: chronological(this.losses, this.lossCount),
      averages: chronological(this.averages, this.averageCount),
      lossSum: this.lossSum,
      olderSum: this.olderSum,
      newerSum: this.newerSum,
      plateauCount: this.plateauCount,
      decaysInRow: this.decaysInRow,
      haarResponse: this.lastResponse,
      movingAverage: this.lastAverage,
    };
  }

  /**
   * Rebuilds a scheduler from {@link MovingHaarScheduler.toJSON} output; it continues with the identical
   * learning-rate sequence (buffers and running sums are restored bit for bit).
   *
   * @example
   * const resumed = MovingHaarScheduler.fromJSON(JSON.parse(JSON.stringify(scheduler)));
   */
  static fromJSON(json: unknown): MovingHaarScheduler {
    const owner = 'MovingHaarScheduler';
    const { options, state } = checkEnvelope(owner, json, owner, 1);
    const scheduler = new MovingHaarScheduler(options as unknown as MovingHaarSchedulerOptions);
    scheduler.restoreCommon(state);
    scheduler.lossCount = stateInteger(owner, state, 'lossCount');
    scheduler.averageCount = stateInteger(owner, state, 'averageCount');
    const losses = stateNumbers(owner, state, 'losses', Math.min(scheduler.lossCount, scheduler.window));
    const averages = stateNumbers(
      owner,
      state,
      'averages',
      Math.min(scheduler.averageCount, 2 * scheduler.half),
    );
    fill(scheduler.losses, losses, scheduler.lossCount);
    fill(scheduler.averages, averages, scheduler.averageCount);
    scheduler.lossSum = stateField<number>(owner, state, 'lossSum', 'number');
    scheduler.olderSum = stateField<number>(owner, state, 'olderSum', 'number');
    scheduler.newerSum = stateField<number>(owner, state, 'newerSum', 'number');
    scheduler.plateauCount = stateInteger(owner, state, 'plateauCount');
    scheduler.decaysInRow = stateInteger(owner, state, 'decaysInRow');
    if (scheduler.decaysInRow > scheduler.reboundAfter) {
      throw new InvalidStateError(
        owner,
        'decaysInRow',
        `must be <= reboundAfter (${scheduler.reboundAfter})`,
      );
    }
    scheduler.lastResponse = stateField<number | null>(owner, state, 'haarResponse', 'number|null');
    scheduler.lastAverage = stateField<number | null>(owner, state, 'movingAverage', 'number|null');
    return scheduler;
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The ring's live entries, oldest first; `count` values were ever written, slot = index mod length. */
function chronological(ring: Float64Array, count: number): number[] {
  const size = ring.length;
  const out: number[] = [];
  for (let k = Math.max(0, count - size); k < count; k++) out.push(ring[k % size]!);
  return out;
}

function fill(ring: Float64Array, values: number[], count: number): void {
  const size = ring.length;
  values.forEach((v, k) => {
    ring[(count - values.length + k) % size] = v;
  });
}
