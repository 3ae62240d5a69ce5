import { InvalidOptionError } from '../errors';
import { boolean, finiteNumber, integer, rejectUnknownKeys } from '../internal/validate';
import { ClosedFormScheduler } from './closed-form-scheduler';

/** Options of {@link CosineWarmupScheduler}. */
export interface CosineWarmupSchedulerOptions {
  /** Peak learning rate lr₀, > 0. Required. */
  lr: number;
  /** Total steps T of the cosine (including warm-up unless `warmupPrefix`). Required, > `warmupSteps`. */
  totalSteps: number;
  /** Linear warm-up steps t_w. Default `0`. */
  warmupSteps?: number;
  /** Warm-up start value lr_init (timm `warmup_lr_init`). Default `0`. */
  warmupInit?: number;
  /** Floor of the cosine, lr_min (timm `lr_min`; FaceX-Zoo Swin uses 5e-6). Default `0`. */
  minLr?: number;
  /**
   * timm `warmup_prefix`: when `true` the cosine starts after the warm-up (t' = t − t_w over
   * T' = T − t_w); when `false` it runs over the whole [0, T) and the warm-up overlays its start.
   * Default `false`.
   */
  warmupPrefix?: boolean;
}

/**
 * Cosine annealing with linear warm-up (timm `CosineLRScheduler` without restarts):
 * - `t < t_w`: `lr = lr_init + (lr₀ − lr_init) · t / t_w`
 * - otherwise: `lr = lr_min + ½ (lr₀ − lr_min)(1 + cos(π · min(t', T') / T'))`
 *
 * @example
 * const scheduler = new CosineWarmupScheduler({ lr: 5e-4, totalSteps: 100_000, warmupSteps: 5_000, minLr: 5e-6 });
 */
export class CosineWarmupScheduler extends ClosedFormScheduler {
  readonly kind = 'CosineWarmupScheduler';
  private readonly baseLr: number;
  private readonly totalSteps: number;
  private readonly warmupSteps: number;
  private readonly warmupInit: number;
  private readonly minLr: number;
  private readonly warmupPrefix: boolean;

  constructor(options: CosineWarmupSchedulerOptions) {
    super();
    rejectUnknownKeys(this.kind, options, [
      'lr',
      'totalSteps',
      'warmupSteps',
      'warmupInit',
      'minLr',
      'warmupPrefix',
    ]);
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
    this.warmupInit = finiteNumber(this.kind, 'warmupInit', options.warmupInit, 0, { min: 0 });
    this.minLr = finiteNumber(this.kind, 'minLr', options.minLr, 0, { min: 0, max: this.baseLr });
    this.warmupPrefix = boolean(this.kind, 'warmupPrefix', options.warmupPrefix, false);
  }

  lrAt(step: number): number {
    const w = this.warmupSteps;
    if (step < w) return this.warmupInit + ((this.baseLr - this.warmupInit) * step) / w;
    const t = this.warmupPrefix ? step - w : step;
    const span = this.warmupPrefix ? this.totalSteps - w : this.totalSteps;
    const cosine = 1 + Math.cos((Math.PI * Math.min(t, span)) / span);
    return this.minLr + 0.5 * (this.baseLr - this.minLr) * cosine;
  }

  protected config(): Record<string, unknown> {
    return {
      lr: this.baseLr,
      totalSteps: this.totalSteps,
      warmupSteps: this.warmupSteps,
      warmupInit: this.warmupInit,
      minLr: this.minLr,
      warmupPrefix: this.warmupPrefix,
    };
  }

  /** Rebuilds a scheduler from {@link CosineWarmupScheduler.toJSON} output. */
  static fromJSON(json: unknown): CosineWarmupScheduler {
    const { options, stepCount } = ClosedFormScheduler.readEnvelope('CosineWarmupScheduler', json);
    return new CosineWarmupScheduler(options as unknown as CosineWarmupSchedulerOptions).restoreCount(
      stepCount,
    );
  }
}
