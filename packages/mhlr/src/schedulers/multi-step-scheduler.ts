import { InvalidOptionError } from '../errors';
import { finiteNumber, integer, rejectUnknownKeys } from '../internal/validate';
import { ClosedFormScheduler } from './closed-form-scheduler';

/** Options of {@link MultiStepScheduler}. */
export interface MultiStepSchedulerOptions {
  /** Initial learning rate lr₀, > 0. Required. */
  lr: number;
  /** Strictly increasing step indices at which the rate is multiplied by `gamma`. Required. */
  milestones: number[];
  /** Multiplier per milestone. Default `0.1`. */
  gamma?: number;
  /**
   * Linear warm-up length in steps, face.evoLVe style: step t < warmupSteps uses
   * `lr₀ · (t + 1) / warmupSteps`. Default `0` (none).
   */
  warmupSteps?: number;
}

/**
 * PyTorch `MultiStepLR`: `lr = lr₀ · gamma^(number of milestones ≤ t)`, with an optional face.evoLVe
 * linear warm-up.
 *
 * Recipes: FaceX-Zoo (lr₀ 0.1, milestones at epochs 10, 13, 16, 18 epochs, stepped per epoch);
 * face.evoLVe (0.1, epochs 35, 65, 95 of 125, warm-up over the first 5 epochs in iterations);
 * X2-Softmax (0.1, epochs 8, 14, 20, 25 converted to iterations, stepped per iteration).
 *
 * @example
 * const itersPerEpoch = 1000;
 * const scheduler = new MultiStepScheduler({ lr: 0.1, milestones: [8, 14, 20, 25].map((e) => e * itersPerEpoch) });
 * scheduler.lrAt(14_000); // 0.1 · 0.1² = 1e-3
 */
export class MultiStepScheduler extends ClosedFormScheduler {
  readonly kind = 'MultiStepScheduler';
  private readonly baseLr: number;
  private readonly milestones: number[];
  private readonly gamma: number;
  private readonly warmupSteps: number;

  constructor(options: MultiStepSchedulerOptions) {
    super();
    rejectUnknownKeys(this.kind, options, ['lr', 'milestones', 'gamma', 'warmupSteps']);
    this.baseLr = finiteNumber(this.kind, 'lr', options.lr, undefined, { min: 0, minExclusive: true });
    if (!Array.isArray(options.milestones)) {
      throw new InvalidOptionError(
        this.kind,
        'milestones',
        `must be an array, got ${String(options.milestones)}`,
      );
    }
    this.milestones = options.milestones.map((m, i) => integer(this.kind, `milestones[${i}]`, m, undefined));
    this.milestones.forEach((m, i) => {
      if (i > 0 && m <= this.milestones[i - 1]!) {
        throw new InvalidOptionError(
          this.kind,
          'milestones',
          `must be strictly increasing, got ${options.milestones.join(', ')}`,
        );
      }
    });
    this.gamma = finiteNumber(this.kind, 'gamma', options.gamma, 0.1, { min: 0, minExclusive: true });
    this.warmupSteps = integer(this.kind, 'warmupSteps', options.warmupSteps, 0);
  }

  lrAt(step: number): number {
    let passed = 0;
    for (const m of this.milestones) if (m <= step) passed++;
    const warmup = step < this.warmupSteps ? (step + 1) / this.warmupSteps : 1;
    return this.baseLr * this.gamma ** passed * warmup;
  }

  protected config(): Record<string, unknown> {
    return {
      lr: this.baseLr,
      milestones: [...this.milestones],
      gamma: this.gamma,
      warmupSteps: this.warmupSteps,
    };
  }

  /** Rebuilds a scheduler from {@link MultiStepScheduler.toJSON} output. */
  static fromJSON(json: unknown): MultiStepScheduler {
    const { options, stepCount } = ClosedFormScheduler.readEnvelope('MultiStepScheduler', json);
    return new MultiStepScheduler(options as unknown as MultiStepSchedulerOptions).restoreCount(stepCount);
  }
}
