import { InvalidOptionError } from '../errors';
import { boolean, finiteNumber, integer, rejectUnknownKeys } from '../internal/validate';
import { ClosedFormScheduler } from './closed-form-scheduler';

/** Options of {@link PolynomialWarmupScheduler}. */
export interface PolynomialWarmupSchedulerOptions {
  /** Peak learning rate lr₀, > 0. Required. */
  lr: number;
  /** Total steps T; the rate reaches 0 at step T and stays there. Required, > `warmupSteps`. */
  totalSteps: number;
  /** Linear warm-up steps w. Default `0`. */
  warmupSteps?: number;
  /** Decay power p: `1` as arcface_torch `PolynomialLRWarmup` today, `2` as its pre-2023 `PolyScheduler`. Default `1`. */
  power?: number;
  /**
   * Reproduce arcface_torch's first step: its chainable scheduler returns the unchanged lr₀ while its
   * counter is 0, so iteration 0 runs at the full lr₀ even with warm-up (iteration t ≥ 1 uses the
   * formula at l = t). Default `false` (iteration 0 uses l = 0, i.e. lr 0 when w > 0).
   */
  firstStepFullLr?: boolean;
}

/**
 * Polynomial decay with linear warm-up, the insightface arcface_torch schedule (stepped every
 * micro-batch). For step l:
 * - `l ≤ w` (w > 0): `lr = lr₀ · l / w`
 * - otherwise: `lr = lr₀ · (1 − (min(T, l) − w) / (T − w))^p`
 *
 * arcface_torch step accounting: `w = ⌊N / (B·G)⌋ · warmupEpochs`, `T = ⌊N / (B·G)⌋ · epochs` for
 * N images, per-device batch B and G devices (the loader drops the last incomplete batch).
 *
 * @example
 * const itersPerEpoch = Math.floor(5_179_510 / 1024);
 * const scheduler = new PolynomialWarmupScheduler({ lr: 0.1, totalSteps: 20 * itersPerEpoch, firstStepFullLr: true });
 */
export class PolynomialWarmupScheduler extends ClosedFormScheduler {
  readonly kind = 'PolynomialWarmupScheduler';
  private readonly baseLr: number;
  private readonly totalSteps: number;
  private readonly warmupSteps: number;
  private readonly power: number;
  private readonly firstStepFullLr: boolean;

  constructor(options: PolynomialWarmupSchedulerOptions) {
    super();
    rejectUnknownKeys(this.kind, options, ['lr', 'totalSteps', 'warmupSteps', 'power', 'firstStepFullLr']);
    this.baseLr = finiteNumber(this.kind, 'lr', options.lr, undefined, { min: 0, minExclusive: true });
    this.totalSteps = integer(this.kind, 'totalSteps', options.totalSteps, undefined, 1);
    this.warmupSteps = integer(this.kind, 'warmupSteps', options.warmupSteps, 0);
    if (this.warmupSteps >= this.totalSteps) {
      throw new InvalidOptionError(
        this.kind,
        'warmupSteps',
        `must be < totalSteps (${this.totalSteps}), got ${this.warmupSteps}`,
      );
    }
    this.power = finiteNumber(this.kind, 'power', options.power, 1, { min: 0, minExclusive: true });
    this.firstStepFullLr = boolean(this.kind, 'firstStepFullLr', options.firstStepFullLr, false);
  }

  lrAt(step: number): number {
    if (step === 0 && this.firstStepFullLr) return this.baseLr;
    const w = this.warmupSteps;
    if (w > 0 && step <= w) return (this.baseLr * step) / w;
    const progress = (Math.min(this.totalSteps, step) - w) / (this.totalSteps - w);
    return this.baseLr * (1 - progress) ** this.power;
  }

  protected config(): Record<string, unknown> {
    return {
      lr: this.baseLr,
      totalSteps: this.totalSteps,
      warmupSteps: this.warmupSteps,
      power: this.power,
      firstStepFullLr: this.firstStepFullLr,
    };
  }

  /** Rebuilds a scheduler from {@link PolynomialWarmupScheduler.toJSON} output. */
  static fromJSON(json: unknown): PolynomialWarmupScheduler {
    const { options, stepCount } = ClosedFormScheduler.readEnvelope('PolynomialWarmupScheduler', json);
    return new PolynomialWarmupScheduler(options as unknown as PolynomialWarmupSchedulerOptions).restoreCount(
      stepCount,
    );
  }
}
