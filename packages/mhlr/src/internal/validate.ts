// Option and state checks shared by every scheduler and optimizer (internal, not exported).
import { InvalidOptionError, InvalidStateError } from '../errors';

/** A short printable form of any value for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  const json = JSON.stringify(value);
  return json === undefined ? typeof value : json;
}

/** Rejects keys the caller did not mean (typos such as `lamda` would otherwise be silently ignored). */
export function rejectUnknownKeys(owner: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError(owner, '(options)', `must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidOptionError(owner, key, `is not a known option (known: ${allowed.join(', ')})`);
    }
  }
}

/** A finite number, optionally bounded; returns the default when the value is undefined. */
export function finiteNumber(
  owner: string,
  name: string,
  value: unknown,
  fallback: number | undefined,
  bounds: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  if (value === undefined) {
    if (fallback === undefined) throw new InvalidOptionError(owner, name, 'is required');
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidOptionError(owner, name, `must be a finite number, got ${show(value)}`);
  }
  const { min, max, minExclusive = false, maxExclusive = false } = bounds;
  if (min !== undefined && (minExclusive ? value <= min : value < min)) {
    throw new InvalidOptionError(owner, name, `must be ${minExclusive ? '>' : '>='} ${min}, got ${value}`);
  }
  if (max !== undefined && (maxExclusive ? value >= max : value > max)) {
    throw new InvalidOptionError(owner, name, `must be ${maxExclusive ? '<' : '<='} ${max}, got ${value}`);
  }
  return value;
}

/** A non-negative (or positive, with `min: 1`) safe integer. */
export function integer(
  owner: string,
  name: string,
  value: unknown,
  fallback: number | undefined,
  min = 0,
): number {
  const v = finiteNumber(owner, name, value, fallback);
  if (!Number.isSafeInteger(v) || v < min) {
    throw new InvalidOptionError(owner, name, `must be an integer >= ${min}, got ${v}`);
  }
  return v;
}

export function boolean(owner: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(owner, name, `must be a boolean, got ${show(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(
  owner: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidOptionError(owner, name, `must be one of ${allowed.join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** Reads a required field of serialised state and checks its type. */
export function stateField<T>(
  owner: string,
  record: Record<string, unknown>,
  field: string,
  kind: 'number' | 'boolean' | 'array' | 'object' | 'number|null',
): T {
  const value = record[field];
  const ok =
    kind === 'array'
      ? Array.isArray(value)
      : kind === 'object'
        ? value !== null && typeof value === 'object' && !Array.isArray(value)
        : kind === 'number|null'
          ? value === null || typeof value === 'number'
          : typeof value === kind;
  if (!ok) throw new InvalidStateError(owner, field, `must be ${kind}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** Checks the envelope `{ kind, version, options, state }` every scheduler serialises to. */
export function checkEnvelope(
  owner: string,
  json: unknown,
  kind: string,
  version: number,
): { options: Record<string, unknown>; state: Record<string, unknown> } {
  if (json === null || typeof json !== 'object') {
    throw new InvalidStateError(owner, '(root)', `must be an object, got ${show(json)}`);
  }
  const record = json as Record<string, unknown>;
  if (record.kind !== kind) {
    throw new InvalidStateError(owner, 'kind', `must be '${kind}', got ${JSON.stringify(record.kind)}`);
  }
  if (record.version !== version) {
    throw new InvalidStateError(
      owner,
      'version',
      `must be ${version}, got ${JSON.stringify(record.version)}`,
    );
  }
  return {
    options: stateField<Record<string, unknown>>(owner, record, 'options', 'object'),
    state: stateField<Record<string, unknown>>(owner, record, 'state', 'object'),
  };
}

/** Reads a required non-negative integer field of serialised state. */
export function stateInteger(owner: string, record: Record<string, unknown>, field: string): number {
  const value = stateField<number>(owner, record, field, 'number');
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidStateError(owner, field, `must be a non-negative integer, got ${value}`);
  }
  return value;
}

/** Reads a required array-of-numbers field of serialised state, optionally of a fixed length. */
export function stateNumbers(
  owner: string,
  record: Record<string, unknown>,
  field: string,
  length?: number,
): number[] {
  const value = stateField<unknown[]>(owner, record, field, 'array');
  if (length !== undefined && value.length !== length) {
    throw new InvalidStateError(owner, field, `must have length ${length}, got ${value.length}`);
  }
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidStateError(
        owner,
        `${field}[${i}]`,
        `must be a finite number, got ${JSON.stringify(v)}`,
      );
    }
  });
  return value as number[];
}
