/** Thrown for an invalid option or input shape of a @frx/giu-gan API; the message names the option and the value. */
export class GanOptionError extends Error {
  override readonly name = 'GanOptionError';
}

/** Rejects keys of `options` that are not in `allowed` (typos must not pass silently). */
export function checkKeys(owner: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new GanOptionError(`${owner}: unknown option '${key}' (expected one of ${allowed.join(', ')})`);
    }
  }
}

/** A positive integer option. */
export function positiveInt(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new GanOptionError(`${owner}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** A finite number option within [min, max]. */
export function finiteIn(
  owner: string,
  name: string,
  value: unknown,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new GanOptionError(
      `${owner}: ${name} must be a finite number in [${min}, ${max}], got ${String(value)}`,
    );
  }
  return value;
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(
  owner: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new GanOptionError(`${owner}: ${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}
