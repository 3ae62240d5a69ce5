/**
 * What a loss-driven scheduler's detector looked at on its latest step, for plotting and logging
 * ("when and why did the learning rate move?").
 */
export interface DetectorSignal {
  /** What `value` is, e.g. `'haar response'` (MHLR v1), `'slope D'` (FastFace), `'monitored'` (plateau). */
  readonly name: string;
  /** The latest detector value, or `null` while the detector is still warming up. */
  readonly value: number | null;
  /** The value counts as "plateau" when it is below this (MHLR, FastFace) or not better than it (plateau). */
  readonly threshold: number;
  /** Consecutive plateau iterations counted so far. */
  readonly counter: number;
  /** The counter must exceed (MHLR v1) or reach (FastFace, plateau) this to move the learning rate. */
  readonly patience: number;
}

/**
 * The serialised form of every scheduler: `JSON.stringify(scheduler)` produces it and the matching
 * `fromJSON` (or {@link restoreScheduler}) rebuilds a scheduler that continues with the identical
 * learning-rate sequence.
 */
export interface SchedulerJSON {
  /** The scheduler class name, e.g. `'MovingHaarScheduler'`. */
  kind: string;
  /** Format version of `state`, bumped on incompatible changes. */
  version: number;
  /** The resolved constructor options (every default filled in). */
  options: Record<string, unknown>;
  /** The mutable state: counters, buffers, current learning rate. */
  state: Record<string, unknown>;
}

/**
 * The contract shared by all schedulers in this package.
 *
 * Call `step(value)` once per iteration (or per epoch, for epoch-based schedules) **after** the
 * optimizer step of that iteration, with the raw value the scheduler watches (the mini-batch loss for
 * MHLR/FastFace, the monitored metric for ReduceLROnPlateau; closed-form schedules ignore it). `lr` is
 * then the rate to use for the next iteration. Before the first call, `lr` is the rate of iteration 0.
 *
 * @example
 * const scheduler = new FastFaceScheduler({ lr: 0.02, totalSteps });
 * for (let t = 0; t < totalSteps; t++) {
 *   optimizer.setLearningRate(scheduler.lr);
 *   const loss = trainStep();
 *   scheduler.step(loss);
 * }
 */
export interface LrScheduler {
  /** The class name, also the `kind` of the serialised form. */
  readonly kind: string;
  /** The learning rate for the next iteration. */
  readonly lr: number;
  /** How many times `step` has been called (including skipped non-finite values). */
  readonly stepCount: number;
  /** The detector's latest internal signal, or `null` for closed-form schedules. */
  readonly signal: DetectorSignal | null;
  /**
   * Advances the schedule by one iteration.
   * @param value The raw loss / monitored value of the iteration just finished. Required by
   *   loss-driven schedulers, ignored by closed-form ones.
   * @returns The new learning rate (same as `lr` afterwards).
   */
  step(value?: number): number;
  /** The full state as plain JSON; restore with the class's static `fromJSON`. */
  toJSON(): SchedulerJSON;
}
