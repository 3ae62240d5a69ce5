import type { LrScheduler } from '../schedulers/lr-scheduler';

/** One learning-rate change found by {@link traceSchedule}. */
export interface LrChange {
  /** 0-based index of the value that caused the change (the decision index). */
  step: number;
  from: number;
  to: number;
  /** `to / from`. */
  multiplier: number;
}

/** What {@link traceSchedule} recorded, one entry per value fed. */
export interface ScheduleTrace {
  /** The values fed (losses). */
  values: number[];
  /** The learning rate in force during iteration t (before step t). */
  lr: number[];
  /** The detector's signal after step t (`null` while warming up or for closed-form schedules). */
  signal: (number | null)[];
  /** The detector threshold after the last step (`null` for closed-form schedules). */
  threshold: number | null;
  /** The signal's name, e.g. `'haar response'`. */
  signalName: string | null;
  /** Every step at which the rate moved. */
  changes: LrChange[];
}

/**
 * Replays a loss log through a scheduler and records the rate, the detector signal and every change:
 * the data behind "when and why did the learning rate move". Steps the scheduler you pass (use a fresh
 * one, or a restored copy).
 *
 * @param scheduler The scheduler to drive.
 * @param values The loss (or monitored value) of each iteration, in order.
 * @example
 * const trace = traceSchedule(new MovingHaarScheduler({ lr: 0.02, window: 4000 }), losses);
 * trace.changes; // [{ step: 54_279, from: 0.02, to: 0.01, multiplier: 0.5 }, …]
 */
export function traceSchedule(scheduler: LrScheduler, values: readonly number[]): ScheduleTrace {
  const trace: ScheduleTrace = {
    values: [...values],
    lr: [],
    signal: [],
    threshold: null,
    signalName: null,
    changes: [],
  };
  values.forEach((value, t) => {
    const from = scheduler.lr;
    trace.lr.push(from);
    const to = scheduler.step(value);
    const signal = scheduler.signal;
    trace.signal.push(signal?.value ?? null);
    if (signal) {
      trace.threshold = signal.threshold;
      trace.signalName = signal.name;
    }
    if (to !== from) trace.changes.push({ step: t, from, to, multiplier: to / from });
  });
  return trace;
}
