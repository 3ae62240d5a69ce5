/** Rejects option keys the caller did not mean (typos would otherwise be silently ignored). */
export function rejectUnknownOptions(owner: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${owner}: unknown option "${key}" (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** A positive integer option, or its default. */
export function positiveInteger(
  owner: string,
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`${owner}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** A finite number in [min, max], or its default. */
export function numberInRange(
  owner: string,
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new RangeError(`${owner}: ${name} must be a number in [${min}, ${max}], got ${v}`);
  }
  return v;
}
