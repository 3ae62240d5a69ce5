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
