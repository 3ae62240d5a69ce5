import { DataFormatError } from '../errors/data-format-error';
import { ByteReader } from '../io/byte-reader';
import { MemoryBudget, memoryBudgetFor, TYPED_ARRAY_OVERHEAD } from '../limits/memory-budget';
import { latin1Bytes, numpyPickleGlobals } from './numpy-globals';
import {
  describePickleValue,
  isBuildTarget,
  PickleDict,
  PickleGlobalRef,
  type PickleGlobal,
  type PickleGlobals,
} from './pickle-values';

/** Options of {@link readPickle}. */
export interface ReadPickleOptions {
  /**
   * The allowlist: `module.name` → implementation. Any other GLOBAL/STACK_GLOBAL is refused with an error naming it.
   * Default {@link defaultPickleGlobals} (bytes, `_codecs.encode`, `collections.OrderedDict`, numpy arrays).
   */
  globals?: PickleGlobals;
  /** Resolves BINPERSID/PERSID ids (PyTorch storages). Default: persistent ids are refused. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Name for error messages. Default `'<pickle>'`. */
  file?: string;
  /** Byte offset of the pickle inside `bytes`. Default 0. */
  offset?: number;
  /** Maximum values on the stack. Default 10,000,000. */
  maxStack?: number;
  /** Maximum memo entries. Default 10,000,000. */
  maxMemo?: number;
  /**
   * Budget in bytes for everything the pickle makes: values on the stack, marks, memo entries, containers and
   * their items, strings, byte strings and arrays (estimated V8 sizes, charged before allocation). A pickle that
   * needs more is refused with a `DataLimitError`. Default `8 · bytes.byteLength + 64 MiB`
   * ({@link DEFAULT_MEMORY_BUDGET}).
   */
  maxMemoryBytes?: number;
}

// Estimated V8 sizes (64-bit, pointer compression) charged to the budget; they need only be the right order.
const SLOT_BYTES = 12; // one stack or array slot: 8 bytes, times 1.5 for the array's growth
const ARRAY_BYTES = 32; // an empty JS array
const HASHED_BYTES = 160; // an empty Map/Set (PickleDict included) with its initial hash table
const HASHED_ENTRY_BYTES = 32; // one Map/Set entry
const MEMO_ENTRY_BYTES = 32;

// CPython refuses int<->str conversions of more than 4300 digits (sys.int_info.default_max_str_digits, 3.11+)
// because they are quadratic; the protocol-0 INT/LONG opcodes are such conversions.
const MAX_DECIMAL_DIGITS = 4300;

const builtinBytes: PickleGlobal = {
  reduce(args) {
    if (args.length === 0) return new Uint8Array(0);
    const [data, encoding] = args;
    // Values read from a pickle are never mutated, so bytes(b) can share b (CPython returns b itself).
    if (data instanceof Uint8Array) return data;
    if (typeof data === 'string' && isLatin1Name(encoding)) return latin1Bytes(data);
    throw new Error('bytes()/bytearray() arguments must be (), (bytes,) or (str, "latin-1")');
  },
};

const isLatin1Name = (encoding: unknown) =>
  typeof encoding === 'string' &&
  ['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'l1'].includes(encoding.toLowerCase());

/**
 * The default allowlist: byte strings (`_codecs.encode(text, 'latin1')`, `bytes`, `bytearray` under Python 2 and 3
 * module names), `collections.OrderedDict`, and the numpy array globals ({@link numpyPickleGlobals}).
 */
export const defaultPickleGlobals: PickleGlobals = {
  '_codecs.encode': {
    reduce(args) {
      const [text, encoding] = args;
      if (typeof text !== 'string' || !isLatin1Name(encoding)) {
        throw new Error(
          `_codecs.encode is only supported as encode(str, 'latin1'), got encoding ${describePickleValue(encoding)}`,
        );
      }
      return latin1Bytes(text);
    },
  },
  '__builtin__.bytes': builtinBytes,
  'builtins.bytes': builtinBytes,
  '__builtin__.bytearray': builtinBytes,
  'builtins.bytearray': builtinBytes,
  'collections.OrderedDict': {
    reduce(args) {
      const dict = new PickleDict();
      const [items] = args;
      if (Array.isArray(items)) {
        for (const pair of items) {
          if (!Array.isArray(pair) || pair.length !== 2)
            throw new Error('OrderedDict items must be (key, value) pairs');
          dict.set(pair[0], pair[1]);
        }
      }
      return dict;
    },
  },
  ...numpyPickleGlobals,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

const OPCODE_NAMES: Record<number, string> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x92: 'NEWOBJ_EX',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
  0x81: 'NEWOBJ',
  0x53: 'STRING',
  0x56: 'UNICODE',
};

/**
 * Reads one pickle with a restricted unpickler: it implements the data opcodes of CPython's `pickletools` table
 * (protocols 0–5) and never executes, imports or looks up anything — GLOBAL/STACK_GLOBAL resolve only names on
 * the allowlist (`options.globals`), every other name is refused with a {@link DataFormatError} naming it, as are
 * unknown opcodes and the instance-creation, extension-registry and out-of-band-buffer opcodes. Every length field
 * is checked against the remaining bytes before anything is read or allocated.
 *
 * See face-data-formats.md §3 (CPython `Lib/pickletools.py`) for the opcode table and value mapping; values are
 * described in `pickle-values.ts`.
 *
 * @param bytes - the pickle bytes.
 * @param options - allowlist, persistent-id hook, limits; see {@link ReadPickleOptions}.
 * @returns the unpickled value.
 * @example
 * ```ts
 * const [images, issame] = readPickle(bytes) as [Uint8Array[], boolean[]];
 * ```
 */
export function readPickle(bytes: Uint8Array, options: ReadPickleOptions = {}): unknown {
  return unpickleAt(bytes, options).value;
}

/** Like {@link readPickle}, also returning the offset just after STOP (several pickles can follow each other). */
export function unpickleAt(
  bytes: Uint8Array,
  options: ReadPickleOptions = {},
): { value: unknown; end: number } {
  const allowed = new Set([
    'globals',
    'persistentLoad',
    'file',
    'offset',
    'maxStack',
    'maxMemo',
    'maxMemoryBytes',
  ]);
  for (const name of Object.keys(options)) {
    if (!allowed.has(name)) throw new TypeError(`readPickle: unknown option "${name}"`);
  }
  const file = options.file ?? '<pickle>';
  const globals = options.globals ?? defaultPickleGlobals;
  const maxStack = options.maxStack ?? 10_000_000;
  const maxMemo = options.maxMemo ?? 10_000_000;
  const r = new ByteReader(bytes, file, 0, options.offset ?? 0);
  const budget = new MemoryBudget(
    memoryBudgetFor(bytes.byteLength, options.maxMemoryBytes),
    'pickle objects and bytes',
    file,
  );
  const stack: unknown[] = [];
  const marks = new MarkStack();
  const memo = new Map<number, unknown>();
  let opStart = r.position;

  const fail = (detail: string): never => r.fail(detail, opStart);
  const charge = (bytes: number) => budget.charge(bytes, opStart);
  const push = (value: unknown) => {
    if (stack.length >= maxStack) fail(`pickle stack exceeds ${maxStack} values`);
    charge(SLOT_BYTES);
    stack.push(value);
  };
  /** Pushes a new container, charging its own size (its items are charged as they are added). */
  const pushNew = (value: unknown, items = 0) => {
    if (Array.isArray(value)) charge(ARRAY_BYTES + SLOT_BYTES * items);
    else charge(HASHED_BYTES + HASHED_ENTRY_BYTES * items);
    push(value);
  };
  /** Copies bytes out of the pickle, charging the copy. */
  const copyBytes = (data: Uint8Array) => {
    charge(TYPED_ARRAY_OVERHEAD + data.byteLength);
    return data.slice();
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks.top())) fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks.top())) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const at = marks.pop();
    if (at === undefined) fail('no MARK on the stack');
    return stack.splice(at!);
  };
  const setMemo = (index: number, value: unknown) => {
    if (!memo.has(index)) {
      if (memo.size >= maxMemo) fail(`pickle memo exceeds ${maxMemo} entries`);
      charge(MEMO_ENTRY_BYTES);
    }
    memo.set(index, value);
  };
  const getMemo = (index: number) => {
    if (!memo.has(index)) fail(`memo key ${index} is not defined`);
    return memo.get(index);
  };
  const text = (data: Uint8Array) => {
    charge(ARRAY_BYTES + 2 * data.byteLength);
    try {
      return utf8.decode(data);
    } catch {
      return fail('invalid UTF-8 in a unicode string');
    }
  };
  const resolveGlobal = (module: string, name: string) => {
    const handler = globals[`${module}.${name}`];
    if (!handler || !Object.hasOwn(globals, `${module}.${name}`)) {
      fail(`pickle global "${module}.${name}" is not on the allowlist (refused; nothing is executed)`);
    }
    return new PickleGlobalRef(module, name, handler!);
  };
  const call = (callable: unknown, args: unknown): unknown => {
    if (!(callable instanceof PickleGlobalRef) || !callable.handler.reduce) {
      fail(`REDUCE on a value that is not an allowlisted callable`);
    }
    if (!Array.isArray(args)) fail('REDUCE arguments are not a tuple');
    const ref = callable as PickleGlobalRef;
    let result: unknown;
    try {
      result = ref.handler.reduce!(args as unknown[]);
    } catch (error) {
      if (error instanceof DataFormatError) throw error;
      return fail(`${ref.qualifiedName}: ${error instanceof Error ? error.message : String(error)}`);
    }
    charge(allocatedBy(result, args as unknown[]));
    return result;
  };
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) fail('SETITEM(S) on a value that is not a dict');
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of values');
    charge((HASHED_ENTRY_BYTES * items.length) / 2);
    for (let i = 0; i < items.length; i += 2) (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const appendItems = (list: unknown, items: unknown[]) => {
    if (!Array.isArray(list) || Object.isFrozen(list)) fail('APPEND(S) on a value that is not a list');
    charge(SLOT_BYTES * items.length);
    for (const item of items) (list as unknown[]).push(item);
  };
  const decimalLine = (what: string) => {
    const line = new TextDecoder().decode(r.line(what)).trim();
    return line;
  };
  const decimalInt = (line: string, what: string): number | bigint => {
    if (!/^[+-]?\d+$/.test(line)) fail(`malformed ${what} ${JSON.stringify(line.slice(0, 40))}`);
    if (line.length > MAX_DECIMAL_DIGITS + 1)
      fail(`${what} of ${line.length} digits is longer than ${MAX_DECIMAL_DIGITS} (CPython's limit)`);
    return narrow(BigInt(line));
  };
  // Little-endian two's complement, in linear time: one hex string, one BigInt parse (no per-byte shifts).
  const intFromBytes = (data: Uint8Array): number | bigint => {
    const n = data.byteLength;
    if (n === 0) return 0;
    if (n <= 6) {
      let value = 0;
      for (let i = n - 1; i >= 0; i--) value = value * 256 + data[i]!;
      return data[n - 1]! & 0x80 ? value - 2 ** (8 * n) : value;
    }
    charge(ARRAY_BYTES + n);
    const hex = new Array<string>(n);
    for (let i = 0; i < n; i++) hex[n - 1 - i] = HEX[data[i]!]!;
    let value = BigInt(`0x${hex.join('')}`);
    if (data[n - 1]! & 0x80) value -= 1n << BigInt(8 * n);
    return narrow(value);
  };

  for (;;) {
    opStart = r.position;
    if (r.remaining === 0) fail('truncated pickle: no STOP opcode');
    const op = r.u8('opcode');
    switch (op) {
      case 0x80: {
        const version = r.u8('protocol');
        if (version > 5) fail(`unsupported pickle protocol ${version}`);
        break;
      }
      case 0x95: {
        const length = r.u64('frame length');
        r.need(length, 'frame');
        break;
      }
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length > 0) fail(`STOP with ${stack.length} values on the stack`);
        return { value: stack[0], end: r.position };
      case 0x28: // MARK
        charge(MarkStack.BYTES_PER_MARK);
        marks.push(stack.length);
        break;
      case 0x30: // POP
        if (marks.length > 0 && stack.length === marks.top()) popMark();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x29: // EMPTY_TUPLE
        pushNew(Object.freeze([]));
        break;
      case 0x74: {
        const items = popMark();
        pushNew(Object.freeze(items), items.length);
        break;
      }
      case 0x85:
      case 0x86:
      case 0x87: {
        const n = op - 0x84;
        const items: unknown[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        pushNew(Object.freeze(items), n);
        break;
      }
      case 0x5d: // EMPTY_LIST
        pushNew([]);
        break;
      case 0x6c: {
        const items = popMark();
        pushNew(items, items.length);
        break;
      }
      case 0x61: {
        const item = pop();
        appendItems(top(), [item]);
        break;
      }
      case 0x65: {
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        pushNew(new PickleDict());
        break;
      case 0x64: {
        const dict = new PickleDict();
        setItems(dict, popMark());
        pushNew(dict);
        break;
      }
      case 0x73: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        pushNew(new Set());
        break;
      case 0x90: {
        const items = popMark();
        const set = top();
        if (!(set instanceof Set)) fail('ADDITEMS on a value that is not a set');
        charge(HASHED_ENTRY_BYTES * items.length);
        for (const item of items) (set as Set<unknown>).add(item);
        break;
      }
      case 0x91: {
        const items = popMark();
        pushNew(new Set(items), items.length);
        break;
      }
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88:
        push(true);
        break;
      case 0x89:
        push(false);
        break;
      case 0x4a:
        push(r.i32('BININT'));
        break;
      case 0x4b:
        push(r.u8('BININT1'));
        break;
      case 0x4d:
        push(r.u16('BININT2'));
        break;
      case 0x8a: {
        const n = r.u8('LONG1 length');
        push(intFromBytes(r.take(n, 'LONG1')));
        break;
      }
      case 0x8b: {
        const n = r.i32('LONG4 length');
        if (n < 0) fail(`negative LONG4 length ${n}`);
        push(intFromBytes(r.take(n, 'LONG4')));
        break;
      }
      case 0x47:
        push(r.f64be('BINFLOAT'));
        break;
      case 0x49: {
        // INT: protocol-0 decimal; "00"/"01" are False/True.
        const line = decimalLine('INT');
        if (line === '00' || line === '01') push(line === '01');
        else push(decimalInt(line, 'INT'));
        break;
      }
      case 0x4c: {
        push(decimalInt(decimalLine('LONG').replace(/L$/, ''), 'LONG'));
        break;
      }
      case 0x46: {
        const line = decimalLine('FLOAT');
        const value = Number(line);
        if (line === '' || (Number.isNaN(value) && !/^[+-]?nan$/i.test(line)))
          fail(`malformed FLOAT ${JSON.stringify(line)}`);
        push(value);
        break;
      }
      case 0x55: {
        const n = r.u8('SHORT_BINSTRING length');
        push(copyBytes(r.take(n, 'SHORT_BINSTRING')));
        break;
      }
      case 0x54: {
        const n = r.i32('BINSTRING length');
        if (n < 0) fail(`negative BINSTRING length ${n}`);
        push(copyBytes(r.take(n, 'BINSTRING')));
        break;
      }
      case 0x43: {
        const n = r.u8('SHORT_BINBYTES length');
        push(copyBytes(r.take(n, 'SHORT_BINBYTES')));
        break;
      }
      case 0x42: {
        const n = r.u32('BINBYTES length');
        push(copyBytes(r.take(n, 'BINBYTES')));
        break;
      }
      case 0x8e: {
        const n = r.u64('BINBYTES8 length');
        push(copyBytes(r.take(n, 'BINBYTES8')));
        break;
      }
      case 0x96: {
        const n = r.u64('BYTEARRAY8 length');
        push(copyBytes(r.take(n, 'BYTEARRAY8')));
        break;
      }
      case 0x8c: {
        const n = r.u8('SHORT_BINUNICODE length');
        push(text(r.take(n, 'SHORT_BINUNICODE')));
        break;
      }
      case 0x58: {
        const n = r.u32('BINUNICODE length');
        push(text(r.take(n, 'BINUNICODE')));
        break;
      }
      case 0x8d: {
        const n = r.u64('BINUNICODE8 length');
        push(text(r.take(n, 'BINUNICODE8')));
        break;
      }
      case 0x71:
        setMemo(r.u8('BINPUT index'), top());
        break;
      case 0x72:
        setMemo(r.u32('LONG_BINPUT index'), top());
        break;
      case 0x70: {
        const line = decimalLine('PUT');
        if (!/^\d+$/.test(line)) fail(`malformed PUT index ${JSON.stringify(line)}`);
        setMemo(Number(line), top());
        break;
      }
      case 0x94:
        setMemo(memo.size, top());
        break;
      case 0x68:
        push(getMemo(r.u8('BINGET index')));
        break;
      case 0x6a:
        push(getMemo(r.u32('LONG_BINGET index')));
        break;
      case 0x67: {
        const line = decimalLine('GET');
        if (!/^\d+$/.test(line)) fail(`malformed GET index ${JSON.stringify(line)}`);
        push(getMemo(Number(line)));
        break;
      }
      case 0x63: {
        const module = new TextDecoder().decode(r.line('GLOBAL module'));
        const name = new TextDecoder().decode(r.line('GLOBAL name'));
        push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        const name = pop();
        const module = pop();
        if (typeof name !== 'string' || typeof module !== 'string') fail('STACK_GLOBAL needs two strings');
        push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x52: {
        const args = pop();
        const callable = pop();
        push(call(callable, args));
        break;
      }
      case 0x62: {
        const state = pop();
        const target = top();
        if (target instanceof PickleDict) {
          // PyTorch's OrderedDict state_dict carries `_metadata` as an attribute: keep it, don't execute anything.
          target.attributes = state;
        } else if (isBuildTarget(target)) {
          try {
            target.setPickleState(state);
          } catch (error) {
            fail(`BUILD: ${error instanceof Error ? error.message : String(error)}`);
          }
          charge(allocatedBy(target, Array.isArray(state) ? state : [state]));
        } else {
          fail('BUILD on a value that is not an allowlisted object');
        }
        break;
      }
      case 0x51: {
        const pid = pop();
        if (!options.persistentLoad)
          fail('persistent id (BINPERSID) found but no persistent loader was given');
        push(callPersistent(options.persistentLoad!, pid, fail));
        break;
      }
      case 0x50: {
        const pid = new TextDecoder().decode(r.line('PERSID'));
        if (!options.persistentLoad) fail('persistent id (PERSID) found but no persistent loader was given');
        push(callPersistent(options.persistentLoad!, pid, fail));
        break;
      }
      default: {
        const name = OPCODE_NAMES[op];
        fail(
          name
            ? `pickle opcode ${name} (0x${op.toString(16)}) is refused by the restricted unpickler`
            : `unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`,
        );
      }
    }
  }
}

function callPersistent(load: (pid: unknown) => unknown, pid: unknown, fail: (d: string) => never): unknown {
  try {
    return load(pid);
  } catch (error) {
    if (error instanceof DataFormatError) throw error;
    return fail(`persistent id: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Stack positions of the open MARKs, 4 bytes each (a JS array of numbers takes 8 and grows by half). */
class MarkStack {
  static readonly BYTES_PER_MARK = 8; // 4, times 2 while the buffer doubles
  private data = new Int32Array(16);
  length = 0;

  push(at: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(2 * this.data.length);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = at;
  }

  pop(): number | undefined {
    return this.length === 0 ? undefined : this.data[--this.length];
  }

  top(): number {
    return this.data[this.length - 1]!;
  }
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Bytes a global's REDUCE or BUILD allocated, estimated from its result (arguments it returns are free). */
function allocatedBy(result: unknown, args: readonly unknown[]): number {
  if (args.includes(result)) return 0;
  if (ArrayBuffer.isView(result)) return TYPED_ARRAY_OVERHEAD + result.byteLength;
  if (typeof result === 'object' && result !== null && 'data' in result && ArrayBuffer.isView(result.data)) {
    return args.includes(result.data) ? 0 : TYPED_ARRAY_OVERHEAD + result.data.byteLength; // NumpyArray
  }
  if (result instanceof Map || result instanceof Set) return HASHED_BYTES + HASHED_ENTRY_BYTES * result.size;
  return ARRAY_BYTES;
}

function narrow(value: bigint): number | bigint {
  return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}
