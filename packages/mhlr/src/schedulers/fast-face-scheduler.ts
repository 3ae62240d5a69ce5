import { InvalidOptionError } from '../errors';
import {
  boolean,
  checkEnvelope,
  finiteNumber,
  integer,
  oneOf,
  rejectUnknownKeys,
  stateField,
  stateInteger,
} from '../internal/validate';
import type { DetectorSignal } from './lr-scheduler';
import { MultiplicativeScheduler, type MultiplicativeSchedulerOptions } from './multiplicative-scheduler';

/**
 * The published FastFace constants (amoonfana/FastFace `lr_scheduler.py`, class `MHLR`, commit dd710a7):
 * EMA rates α = β = 1e-3, slope threshold λ = 5e-5 loss units per iteration, patience τ = 5 % of the
 * run, decay δ = 2, at most 8 decays.
 */
export const FAST_FACE_DEFAULTS = {
  alpha: 1e-3,
  beta: 1e-3,
  lambda: 5e-5,
  tau: 0.05,
  delta: 2,
  maxDecays: 8,
} as const;

/** The earlier setting left commented in the same file: λ = 4e-5, τ = 0.04. Spread into the options. */
export const FAST_FACE_EARLY_PRESET = { lambda: 4e-5, tau: 0.04 } as const;

/** Options of {@link FastFaceScheduler}. Give `totalSteps`, or `patience` directly. */
export interface FastFaceSchedulerOptions extends MultiplicativeSchedulerOptions {
  /** Total iterations T of the run; patience P = ⌊tau · T⌋. Required unless `patience` is given. */
  totalSteps?: number;
  /** Rate of the EMA of the loss. Default `1e-3`. */
  alpha?: number;
  /** Rate of the EMA of its lag-1 Haar difference. Default `1e-3`. */
  beta?: number;
  /** A slope estimate D below this (loss units per iteration) counts as plateau. Default `5e-5`. */
  lambda?: number;
  /** Patience as a fraction of `totalSteps`. Default `0.05`. */
  tau?: number;
  /** Plateau iterations needed before a decay: a trigger takes P + 1 in a row. Default `⌊tau · totalSteps⌋`. */
  patience?: number;
  /** Divisor of a decay (lr ← lr / delta). Default `2`. */
  delta?: number;
  /** Decays allowed in the whole run; later triggers have no effect. Default `8`. */
  maxDecays?: number;
  /**
   * Iterations at the start that never count as plateau (the slope estimate starts at 0 and needs
   * several hundred iterations to follow the loss; with short runs a spurious decay can otherwise fire).
   * Default `0` (off, as the original).
   */
  ignoreFirst?: number;
}

const OPTION_KEYS = [
  'lr',
  'totalSteps',
  'alpha',
  'beta',
  'lambda',
  'tau',
  'patience',
  'delta',
  'maxDecays',
  'ignoreFirst',
  'delayed',
  'onNonFinite',
] as const;

/**
 * MHLR v2, the O(1) FastFace scheduler of Gong et al., "FastFace: Fast-converging Scheduler for
 * Large-scale Face Recognition Training with One GPU" (arXiv 2404.11118 v2), as in amoonfana/FastFace.
 *
 * Fed the raw loss L_t of every iteration, it keeps a slope estimate
 * `D_t = ω₁·D_{t−1} − ω₂·D_{t−2} + ω₃·(L_{t−1} − L_t)` with ω₁ = (1−α) + (1−β), ω₂ = (1−α)(1−β),
 * ω₃ = αβ, D₀ = 0, D₁ = α·(L₀ − L₁): the lag-1 Haar response of an EMA of the loss, smoothed by a
 * second EMA (for a loss falling at s per iteration, D → s). After P + 1 consecutive iterations with
 * `D < λ` the rate is divided by δ; any iteration with `D ≥ λ` resets the count; at most 8 decays.
 *
 * @example
 * const scheduler = new FastFaceScheduler({ lr: 0.02, totalSteps: 202_320 });
 * for (const loss of losses) {
 *   optimizer.setLearningRate(scheduler.lr);
 *   scheduler.step(loss); // after the optimizer step of that iteration
 * }
 * // earlier constants: new FastFaceScheduler({ lr: 0.02, totalSteps, ...FAST_FACE_EARLY_PRESET })
 */
export class FastFaceScheduler extends MultiplicativeScheduler {
  readonly kind = 'FastFaceScheduler';
  /** The resolved patience P. */
  readonly patience: number;
  private readonly baseLr: number;
  private readonly totalSteps: number | null;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly lambda: number;
  private readonly tau: number;
  private readonly delta: number;
  private readonly maxDecays: number;
  private readonly ignoreFirst: number;
  private readonly explicitPatience: boolean;

  private iteration = 0;
  private previousLoss = 0;
  private slope = 0; // D_{t−1}
  private slopeBefore = 0; // D_{t−2}
  private plateauCount = 0;
  private decays = 0;
  private lastSlope: number | null = null;

  constructor(options: FastFaceSchedulerOptions) {
    const owner = 'FastFaceScheduler';
    rejectUnknownKeys(owner, options, OPTION_KEYS);
    const lr = finiteNumber(owner, 'lr', options.lr, undefined, { min: 0, minExclusive: true });
    super(
      lr,
      boolean(owner, 'delayed', options.delayed, false),
      oneOf(owner, 'onNonFinite', options.onNonFinite, ['throw', 'skip'], 'throw'),
    );
    this.baseLr = lr;
    const rate = { min: 0, max: 1, minExclusive: true };
    this.alpha = finiteNumber(owner, 'alpha', options.alpha, FAST_FACE_DEFAULTS.alpha, rate);
    this.beta = finiteNumber(owner, 'beta', options.beta, FAST_FACE_DEFAULTS.beta, rate);
    this.lambda = finiteNumber(owner, 'lambda', options.lambda, FAST_FACE_DEFAULTS.lambda);
    this.tau = finiteNumber(owner, 'tau', options.tau, FAST_FACE_DEFAULTS.tau, { min: 0, max: 1 });
    this.totalSteps =
      options.totalSteps === undefined
        ? null
        : integer(owner, 'totalSteps', options.totalSteps, undefined, 1);
    if (options.patience !== undefined) {
      this.patience = integer(owner, 'patience', options.patience, undefined);
      this.explicitPatience = true;
    } else {
      if (this.totalSteps === null) {
        throw new InvalidOptionError(
          owner,
          'totalSteps',
          'is required unless patience is given (P = ⌊tau·T⌋)',
        );
      }
      this.patience = Math.floor(this.tau * this.totalSteps);
      this.explicitPatience = false;
    }
    this.delta = finiteNumber(owner, 'delta', options.delta, FAST_FACE_DEFAULTS.delta, {
      min: 0,
      minExclusive: true,
    });
    this.maxDecays = integer(owner, 'maxDecays', options.maxDecays, FAST_FACE_DEFAULTS.maxDecays);
    this.ignoreFirst = integer(owner, 'ignoreFirst', options.ignoreFirst, 0);
  }

  /** The latest slope estimate D_t, or `null` before t = 1. */
  get slopeEstimate(): number | null {
    return this.lastSlope;
  }

  /** Decay triggers so far (keeps counting past `maxDecays`, without effect). */
  get decayCount(): number {
    return this.decays;
  }

  get signal(): DetectorSignal {
    return {
      name: 'slope D',
      value: this.lastSlope,
      threshold: this.lambda,
      counter: this.plateauCount,
      patience: this.patience,
    };
  }

  protected decide(loss: number): number {
    const t = this.iteration++;
    if (t === 0) {
      this.previousLoss = loss;
      return 1;
    }
    const difference = this.previousLoss - loss;
    let d: number;
    if (t === 1) {
      d = this.alpha * difference;
    } else {
      const w1 = 1 - this.alpha + (1 - this.beta);
      const w2 = (1 - this.alpha) * (1 - this.beta);
      const w3 = this.alpha * this.beta;
      d = w1 * this.slope - w2 * this.slopeBefore + w3 * difference;
    }
    this.slopeBefore = this.slope;
    this.slope = d;
    this.previousLoss = loss;
    this.lastSlope = d;
    if (t < this.ignoreFirst) return 1;
    if (d < this.lambda) {
      if (this.plateauCount < this.patience) {
        this.plateauCount++;
        return 1;
      }
      this.plateauCount = 0;
      this.decays++;
      return this.decays > this.maxDecays ? 1 : 1 / this.delta;
    }
    this.plateauCount = 0;
    return 1;
  }

  protected detectorOptions(): Record<string, unknown> {
    const options: Record<string, unknown> = {
      lr: this.baseLr,
      alpha: this.alpha,
      beta: this.beta,
      lambda: this.lambda,
      delta: this.delta,
      maxDecays: this.maxDecays,
      ignoreFirst: this.ignoreFirst,
    };
    if (this.explicitPatience) options.patience = this.patience;
    else options.tau = this.tau;
    if (this.totalSteps !== null) options.totalSteps = this.totalSteps;
    return options;
  }

  protected detectorState(): Record<string, unknown> {
    return {
      iteration: this.iteration,
      previousLoss: this.previousLoss,
      slope: this.slope,
      slopeBefore: this.slopeBefore,
      plateauCount: this.plateauCount,
      decays: this.decays,
      slopeEstimate: this.lastSlope,
    };
  }

  /**
   * Rebuilds a scheduler from {@link FastFaceScheduler.toJSON} output; it continues with the identical
   * learning-rate sequence.
   *
   * @example
   * const resumed = FastFaceScheduler.fromJSON(JSON.parse(JSON.stringify(scheduler)));
   */
  static fromJSON(json: unknown): FastFaceScheduler {
    const owner = 'FastFaceScheduler';
    const { options, state } = checkEnvelope(owner, json, owner, 1);
    const scheduler = new FastFaceScheduler(options as unknown as FastFaceSchedulerOptions);
    scheduler.restoreCommon(state);
    scheduler.iteration = stateInteger(owner, state, 'iteration');
    scheduler.previousLoss = stateField<number>(owner, state, 'previousLoss', 'number');
    scheduler.slope = stateField<number>(owner, state, 'slope', 'number');
    scheduler.slopeBefore = stateField<number>(owner, state, 'slopeBefore', 'number');
    scheduler.plateauCount = stateInteger(owner, state, 'plateauCount');
    scheduler.decays = stateInteger(owner, state, 'decays');
    scheduler.lastSlope = stateField<number | null>(owner, state, 'slopeEstimate', 'number|null');
    return scheduler;
  }
}
