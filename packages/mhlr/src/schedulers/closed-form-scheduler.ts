import { checkEnvelope, stateInteger } from '../internal/validate';
import type { DetectorSignal, LrScheduler, SchedulerJSON } from './lr-scheduler';

/** Format version of the closed-form schedules' serialised state. */
export const CLOSED_FORM_STATE_VERSION = 1;

/**
 * Base of the schedules that are pure functions of the step counter: the learning rate of iteration
 * `t` is `lrAt(t)`, `step()` only advances the counter, and the state is that counter alone.
 *
 * Subclasses implement `lrAt` and `config`. Values passed to `step` are ignored.
 */
export abstract class ClosedFormScheduler implements LrScheduler {
  abstract readonly kind: string;
  readonly signal: DetectorSignal | null = null;
  private count = 0;

  /** The rate of iteration `step` (0-based), a closed form of the schedule. */
  abstract lrAt(step: number): number;

  /** The resolved options, as serialised. */
  protected abstract config(): Record<string, unknown>;

  get lr(): number {
    return this.lrAt(this.count);
  }

  get stepCount(): number {
    return this.count;
  }

  step(_value?: number): number {
    this.count++;
    return this.lr;
  }

  toJSON(): SchedulerJSON {
    return {
      kind: this.kind,
      version: CLOSED_FORM_STATE_VERSION,
      options: this.config(),
      state: { stepCount: this.count },
    };
  }

  /** Shared by the subclasses' `fromJSON`: checks the envelope and returns the options to rebuild from. */
  protected static readEnvelope(
    kind: string,
    json: unknown,
  ): { options: Record<string, unknown>; stepCount: number } {
    const { options, state } = checkEnvelope(kind, json, kind, CLOSED_FORM_STATE_VERSION);
    return { options, stepCount: stateInteger(kind, state, 'stepCount') };
  }

  /** Moves the counter, used when restoring. */
  protected restoreCount(stepCount: number): this {
    this.count = stepCount;
    return this;
  }
}
