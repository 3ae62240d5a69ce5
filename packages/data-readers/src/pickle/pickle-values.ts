/**
 * JavaScript values produced by the restricted unpickler ({@link readPickle}).
 *
 * Python → JavaScript: `None` → `null`; `bool` → `boolean`; `int` → `number` (or `bigint` beyond 2^53);
 * `float` → `number`; `str` → `string`; `bytes`, `bytearray` and Python-2 `str` → `Uint8Array`; `list` and
 * `tuple` → arrays (tuples are frozen); `dict`/`OrderedDict` → {@link PickleDict}; `set`/`frozenset` → `Set`;
 * numpy arrays → {@link NumpyArray}; allowlisted globals → whatever their handler returns.
 */

/** Latin-1 text of a Python-2 byte string, or the string itself; `undefined` for anything else. */
export function pickleText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    let text = '';
    for (let i = 0; i < value.byteLength; i += 4096) {
      text += String.fromCharCode(...value.subarray(i, i + 4096));
    }
    return text;
  }
  return undefined;
}

/**
 * A short description of an unpickled value for error messages, in constant time and stack depth: `String()` of
 * a deeply nested list recurses once per level (a hostile pickle overflows the stack with it) and of a huge
 * `bigint` converts every digit.
 * @internal
 */
export function describePickleValue(value: unknown): string {
  if (value === null) return 'None';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint': {
      const bits = (value < 0n ? -value : value).toString(16).length * 4;
      return bits <= 128 ? String(value) : `an integer of about ${bits} bits`;
    }
    default:
      if (Array.isArray(value))
        return `a ${Object.isFrozen(value) ? 'tuple' : 'list'} of ${value.length} items`;
      if (value instanceof Uint8Array) return `a byte string of ${value.byteLength} bytes`;
      if (value instanceof Map) return `a dict of ${value.size} items`;
      if (value instanceof PickleGlobalRef) return value.qualifiedName;
      return `a ${value.constructor?.name ?? 'value'}`;
  }
}

/**
 * A Python `dict` or `collections.OrderedDict` (insertion order kept). Keys are compared as JavaScript `Map` keys;
 * use {@link PickleDict.getText} to look up a text key that a Python-2 pickle stored as a byte string.
 */
export class PickleDict extends Map<unknown, unknown> {
  /** Attributes set by a BUILD on the dict (e.g. PyTorch's `_metadata` on a state_dict). */
  attributes: unknown = undefined;

  /** The value for a string key, or for a byte-string key whose Latin-1 text equals `key`. */
  getText(key: string): unknown {
    if (this.has(key)) return this.get(key);
    for (const [k, v] of this) if (k instanceof Uint8Array && pickleText(k) === key) return v;
    return undefined;
  }
}

/** Objects that accept the BUILD opcode (`__setstate__`). */
export interface PickleBuildTarget {
  setPickleState(state: unknown): void;
}

/** A Python global that the allowlist maps to JavaScript. */
export interface PickleGlobal {
  /** Implements REDUCE (`callable(*args)`); absent for globals that are only passed as arguments. */
  reduce?: (args: readonly unknown[]) => unknown;
}

/** The value GLOBAL/STACK_GLOBAL pushes: the resolved allowlist entry and its name. */
export class PickleGlobalRef {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly handler: PickleGlobal,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Allowlist: maps `module.name` (e.g. `collections.OrderedDict`) to its JavaScript implementation. */
export type PickleGlobals = Readonly<Record<string, PickleGlobal>>;

export function isBuildTarget(value: unknown): value is PickleBuildTarget {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PickleBuildTarget).setPickleState === 'function'
  );
}
