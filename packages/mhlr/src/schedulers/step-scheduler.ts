import { finiteNumber, integer, rejectUnknownKeys } from '../internal/validate';
import { ClosedFormScheduler } from './closed-form-scheduler';

/** Options of {@link StepScheduler}. */
export interface StepSchedulerOptions {
  /** Initial learning rate lr₀, > 0. Required. */
  lr: number;
  /** Steps (iterations or epochs, whatever `step()` is called for) between decays, >= 1. Required. */
  stepSize: number;
  /** Multiplier per decay. Default `0.1` (PyTorch `StepLR`). */
  gamma?: number;
}

/**
 * PyTorch `StepLR`: `lr = lr₀ · gamma^⌊t / stepSize⌋` for step t (0-based).
 *
 * KDCTime (amoonfana/Knowledge_Distillation) steps it per epoch with Adam lr₀ = 1e-3,
 * `stepSize = ⌊512/7⌋ − 1 = 72`, `gamma = 0.5` over 512 epochs.
 *
 * @example
 * const scheduler = new StepScheduler({ lr: 1e-3, stepSize: 72, gamma: 0.5 });
 * scheduler.lrAt(504); // 1e-3 / 2 ** 7 = 7.8125e-6
 */
export class StepScheduler extends ClosedFormScheduler {
  readonly kind = 'StepScheduler';
  private readonly baseLr: number;
  private readonly stepSize: number;
  private readonly gamma: number;

  constructor(options: StepSchedulerOptions) {
    super();
    rejectUnknownKeys(this.kind, options, ['lr', 'stepSize', 'gamma']);
    this.baseLr = finiteNumber(this.kind, 'lr', options.lr, undefined, { min: 0, minExclusive: true });
    this.stepSize = integer(this.kind, 'stepSize', options.stepSize, undefined, 1);
    this.gamma = finiteNumber(this.kind, 'gamma', options.gamma, 0.1, { min: 0, minExclusive: true });
  }

  lrAt(step: number): number {
    return this.baseLr * this.gamma ** Math.floor(step / this.stepSize);
  }

  protected config(): Record<string, unknown> {
    return { lr: this.baseLr, stepSize: this.stepSize, gamma: this.gamma };
  }

  /** Rebuilds a scheduler from {@link StepScheduler.toJSON} output. */
  static fromJSON(json: unknown): StepScheduler {
    const { options, stepCount } = ClosedFormScheduler.readEnvelope('StepScheduler', json);
    return new StepScheduler(options as unknown as StepSchedulerOptions).restoreCount(stepCount);
  }
}
