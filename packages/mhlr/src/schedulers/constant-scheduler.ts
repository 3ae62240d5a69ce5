import { finiteNumber, rejectUnknownKeys } from '../internal/validate';
import { ClosedFormScheduler } from './closed-form-scheduler';

/** Options of {@link ConstantScheduler}. */
export interface ConstantSchedulerOptions {
  /** The learning rate, > 0. Required. */
  lr: number;
}

/**
 * A learning rate that never changes: the no-schedule baseline, handy where an {@link LrScheduler}
 * is expected.
 *
 * @example
 * const scheduler = new ConstantScheduler({ lr: 1e-3 });
 * scheduler.step(); scheduler.lr; // 1e-3
 */
export class ConstantScheduler extends ClosedFormScheduler {
  readonly kind = 'ConstantScheduler';
  private readonly baseLr: number;

  constructor(options: ConstantSchedulerOptions) {
    super();
    rejectUnknownKeys(this.kind, options, ['lr']);
    this.baseLr = finiteNumber(this.kind, 'lr', options.lr, undefined, { min: 0, minExclusive: true });
  }

  lrAt(_step: number): number {
    return this.baseLr;
  }

  protected config(): Record<string, unknown> {
    return { lr: this.baseLr };
  }

  /** Rebuilds a scheduler from {@link ConstantScheduler.toJSON} output. */
  static fromJSON(json: unknown): ConstantScheduler {
    const { options, stepCount } = ClosedFormScheduler.readEnvelope('ConstantScheduler', json);
    return new ConstantScheduler(options as unknown as ConstantSchedulerOptions).restoreCount(stepCount);
  }
}
