/**
 * Thrown when a scheduler or optimizer receives an option it does not know, or a value outside the
 * option's domain. The message names the class, the option and the offending value.
 *
 * @example
 * try { new FastFaceScheduler({ lr: 0.02, totalSteps: 1000, lamda: 5e-5 } as never); }
 * catch (e) { if (e instanceof InvalidOptionError) console.error(e.option); } // 'lamda'
 */
export class InvalidOptionError extends Error {
  override readonly name = 'InvalidOptionError';
  /** The option key at fault. */
  readonly option: string;

  constructor(owner: string, option: string, message: string) {
    super(`${owner}: option '${option}' ${message}`);
    this.option = option;
  }
}

/**
 * Thrown when a scheduler is fed a NaN or infinite loss (or monitored value). Feeding it on would
 * poison the moving averages for the rest of the run, so the scheduler refuses unless it was built
 * with `onNonFinite: 'skip'`.
 *
 * @example
 * try { scheduler.step(Number.NaN); }
 * catch (e) { if (e instanceof NonFiniteLossError) console.error(e.step, e.value); }
 */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';
  /** 0-based index of the `step()` call that received the value. */
  readonly step: number;
  /** The value received (NaN, Infinity or -Infinity). */
  readonly value: number;

  constructor(owner: string, step: number, value: number) {
    super(
      `${owner}: step ${step} received a non-finite value (${value}); ` +
        `fix the loss or build the scheduler with onNonFinite: 'skip'`,
    );
    this.step = step;
    this.value = value;
  }
}

/**
 * Thrown when serialised scheduler or optimizer state cannot be restored: wrong kind, wrong format
 * version, or a field with the wrong type or length. The message names the field.
 *
 * @example
 * try { MovingHaarScheduler.fromJSON(JSON.parse(text)); }
 * catch (e) { if (e instanceof InvalidStateError) console.error(e.field); }
 */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
  /** The JSON field at fault (dotted path). */
  readonly field: string;

  constructor(owner: string, field: string, message: string) {
    super(`${owner}: state field '${field}' ${message}`);
    this.field = field;
  }
}
