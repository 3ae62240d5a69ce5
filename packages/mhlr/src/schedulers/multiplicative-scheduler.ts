import { NonFiniteLossError } from '../errors';
import { InvalidStateError } from '../errors';
import { stateField, stateInteger } from '../internal/validate';
import type { DetectorSignal, LrScheduler, SchedulerJSON } from './lr-scheduler';

/** What a loss-driven scheduler does with a NaN or infinite loss. */
export type NonFiniteLossPolicy = 'throw' | 'skip';

/** Options shared by the loss-driven schedulers that multiply the rate (MHLR v1 and v2). */
export interface MultiplicativeSchedulerOptions {
  /** Initial learning rate lr₀, > 0. Required. */
  lr: number;
  /**
   * Apply each decision one iteration late, as the authors' PyTorch class does (the multiplier decided
   * from the loss of iteration t first affects iteration t + 2). Default `false`: it affects t + 1.
   */
  delayed?: boolean;
  /**
   * NaN / ±Infinity losses: `'throw'` a {@link NonFiniteLossError} naming the step, or `'skip'` the
   * value (the detector does not advance, the rate does not change). Default `'throw'`.
   */
  onNonFinite?: NonFiniteLossPolicy;
}

/**
 * Shared machinery of MHLR v1 and v2: the detector returns a multiplier w per loss, the rate becomes
 * `lr · w` (immediately, or one iteration late with `delayed`), non-finite losses are refused or
 * skipped, and the common part of the state is serialised. Internal base class.
 */
export abstract class MultiplicativeScheduler implements LrScheduler {
  abstract readonly kind: string;
  protected currentLr: number;
  protected readonly delayed: boolean;
  protected readonly onNonFinite: NonFiniteLossPolicy;
  private count = 0;
  private skipped = 0;
  private pending = 1;

  protected constructor(lr: number, delayed: boolean, onNonFinite: NonFiniteLossPolicy) {
    this.currentLr = lr;
    this.delayed = delayed;
    this.onNonFinite = onNonFinite;
  }

  /** Feeds one finite loss to the detector and returns the multiplier it decides (1 = no change). */
  protected abstract decide(loss: number): number;

  /** Detector-specific options and state. */
  protected abstract detectorOptions(): Record<string, unknown>;
  protected abstract detectorState(): Record<string, unknown>;

  abstract readonly signal: DetectorSignal | null;

  get lr(): number {
    return this.currentLr;
  }

  get stepCount(): number {
    return this.count;
  }

  /** How many non-finite values were skipped (always 0 with `onNonFinite: 'throw'`). */
  get skippedSteps(): number {
    return this.skipped;
  }

  step(value?: number): number {
    if (typeof value !== 'number') {
      throw new TypeError(
        `${this.kind}: step ${this.count} needs the iteration's loss as a number, got ${String(value)}`,
      );
    }
    if (!Number.isFinite(value)) {
      if (this.onNonFinite === 'throw') throw new NonFiniteLossError(this.kind, this.count, value);
      this.count++;
      this.skipped++;
      return this.currentLr;
    }
    this.count++;
    if (this.delayed) {
      this.currentLr *= this.pending;
      this.pending = this.decide(value);
    } else {
      this.currentLr *= this.decide(value);
    }
    return this.currentLr;
  }

  toJSON(): SchedulerJSON {
    return {
      kind: this.kind,
      version: 1,
      options: { ...this.detectorOptions(), delayed: this.delayed, onNonFinite: this.onNonFinite },
      state: {
        lr: this.currentLr,
        stepCount: this.count,
        skippedSteps: this.skipped,
        pendingMultiplier: this.pending,
        ...this.detectorState(),
      },
    };
  }

  /** Restores the common part of the state (used by the subclasses' `fromJSON`). */
  protected restoreCommon(state: Record<string, unknown>): void {
    const lr = stateField<number>(this.kind, state, 'lr', 'number');
    if (!(lr > 0) || !Number.isFinite(lr))
      throw new InvalidStateError(this.kind, 'lr', `must be > 0, got ${lr}`);
    this.currentLr = lr;
    this.count = stateInteger(this.kind, state, 'stepCount');
    this.skipped = stateInteger(this.kind, state, 'skippedSteps');
    this.pending = stateField<number>(this.kind, state, 'pendingMultiplier', 'number');
  }
}
