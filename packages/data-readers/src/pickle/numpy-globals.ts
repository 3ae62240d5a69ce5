import {
  describePickleValue,
  pickleText,
  type PickleBuildTarget,
  type PickleGlobal,
  PickleGlobalRef,
} from './pickle-values';

/** numpy dtypes the reader supports, by name. */
export type NumpyDtypeName =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64';

type NumpyData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

const DTYPES: Record<string, { name: NumpyDtypeName; size: number; make: (b: ArrayBuffer) => NumpyData }> = {
  b1: { name: 'bool', size: 1, make: (b) => new Uint8Array(b) },
  i1: { name: 'int8', size: 1, make: (b) => new Int8Array(b) },
  u1: { name: 'uint8', size: 1, make: (b) => new Uint8Array(b) },
  i2: { name: 'int16', size: 2, make: (b) => new Int16Array(b) },
  u2: { name: 'uint16', size: 2, make: (b) => new Uint16Array(b) },
  i4: { name: 'int32', size: 4, make: (b) => new Int32Array(b) },
  u4: { name: 'uint32', size: 4, make: (b) => new Uint32Array(b) },
  i8: { name: 'int64', size: 8, make: (b) => new BigInt64Array(b) },
  u8: { name: 'uint64', size: 8, make: (b) => new BigUint64Array(b) },
  f4: { name: 'float32', size: 4, make: (b) => new Float32Array(b) },
  f8: { name: 'float64', size: 8, make: (b) => new Float64Array(b) },
};

/** A numpy `dtype` object as reconstructed from a pickle. */
export class NumpyDtype implements PickleBuildTarget {
  /**
   * @param code - type code without byte order, e.g. `'f4'`.
   * @param byteOrder - `'<'`, `'>'`, `'|'` or `'='`, from the type code given to `dtype()` (`dtype('>f4')`);
   *   a later BUILD state replaces it.
   */
  constructor(
    readonly code: string,
    public byteOrder = '|',
  ) {}

  setPickleState(state: unknown): void {
    const order = Array.isArray(state) ? pickleText(state[1]) : undefined;
    if (order === undefined) throw new Error(`numpy.dtype state is not a tuple with a byte-order mark`);
    this.byteOrder = order;
  }

  /** Type info; throws for dtypes outside {@link NumpyDtypeName}. */
  info() {
    const info = DTYPES[this.code];
    if (!info)
      throw new Error(
        `numpy dtype "${this.code}" is not supported (supported: ${Object.keys(DTYPES).join(', ')})`,
      );
    if (
      this.byteOrder !== '<' &&
      this.byteOrder !== '|' &&
      this.byteOrder !== '=' &&
      this.byteOrder !== '>'
    ) {
      throw new Error(`numpy dtype "${this.code}" has unknown byte order "${this.byteOrder}"`);
    }
    return info;
  }
}

/**
 * A numpy `ndarray` reconstructed from a pickle: C-order data in a typed array of the matching type
 * (`bool` as 0/1 bytes in a `Uint8Array`, 64-bit integers as `BigInt64Array`/`BigUint64Array`).
 */
export class NumpyArray implements PickleBuildTarget {
  dtype: NumpyDtypeName = 'uint8';
  shape: number[] = [0];
  data: NumpyData = new Uint8Array(0);

  /** BUILD state from `_reconstruct`: `(version, shape, dtype, is_fortran, raw_bytes)`. */
  setPickleState(state: unknown): void {
    if (!Array.isArray(state) || state.length < 5) throw new Error('numpy.ndarray state is not a 5-tuple');
    const [, shape, dtype, fortran, raw] = state as unknown[];
    if (!(dtype instanceof NumpyDtype)) throw new Error('numpy.ndarray state has no dtype');
    this.fill(raw, dtype, shape, fortran === true || fortran === 1);
  }

  /** Fills from raw bytes; validates shape against the byte count before allocating. */
  fill(raw: unknown, dtype: NumpyDtype, shape: unknown, fortran: boolean): void {
    const info = dtype.info();
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
    ) {
      throw new Error(
        `numpy array shape ${describePickleValue(shape)} is not a tuple of non-negative integers`,
      );
    }
    const dims = shape as number[];
    if (!(raw instanceof Uint8Array))
      throw new Error('numpy array data is not a byte string (object arrays are not supported)');
    let count = 1;
    for (const d of dims) count *= d;
    if (count * info.size !== raw.byteLength) {
      throw new Error(
        `numpy array of shape [${dims.join(', ')}] ${info.name} needs ${count * info.size} bytes, got ${raw.byteLength}`,
      );
    }
    if (fortran && dims.filter((d) => d > 1).length > 1)
      throw new Error('Fortran-ordered numpy arrays are not supported');
    const copy = raw.slice();
    if (dtype.byteOrder === '>' && info.size > 1) {
      for (let i = 0; i < copy.byteLength; i += info.size) copy.subarray(i, i + info.size).reverse();
    }
    this.dtype = info.name;
    this.shape = dims.slice();
    this.data = info.make(copy.buffer);
  }
}

function dtypeFromArgs(args: readonly unknown[]): NumpyDtype {
  const code = pickleText(args[0]);
  if (code === undefined) throw new Error('numpy.dtype expects a type code such as "u1"');
  const order = /^[<>|=]/.exec(code)?.[0];
  return order === undefined ? new NumpyDtype(code) : new NumpyDtype(code.slice(1), order);
}

const reconstruct: PickleGlobal = {
  reduce(args) {
    const subtype = args[0];
    if (!(subtype instanceof PickleGlobalRef) || subtype.name !== 'ndarray') {
      throw new Error('_reconstruct is only supported for numpy.ndarray');
    }
    return new NumpyArray();
  },
};

const scalar: PickleGlobal = {
  reduce(args) {
    const [dtype, raw] = args;
    if (!(dtype instanceof NumpyDtype)) throw new Error('numpy scalar expects a dtype');
    const bytes = raw instanceof Uint8Array ? raw : typeof raw === 'string' ? latin1Bytes(raw) : undefined;
    if (bytes === undefined) throw new Error('numpy scalar expects raw bytes');
    const array = new NumpyArray();
    array.fill(bytes, dtype, [], false);
    const value = array.data[0]!;
    if (array.dtype === 'bool') return value !== 0;
    return typeof value === 'bigint' &&
      value >= -BigInt(Number.MAX_SAFE_INTEGER) &&
      value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  },
};

const frombuffer: PickleGlobal = {
  reduce(args) {
    const [buffer, dtype, shape, order] = args;
    if (!(dtype instanceof NumpyDtype)) throw new Error('_frombuffer expects a dtype');
    const array = new NumpyArray();
    array.fill(buffer, dtype, shape, pickleText(order) === 'F');
    return array;
  },
};

/** Bytes of a string whose code points are all ≤ 255 (Python `str.encode('latin1')`). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) throw new Error(`character U+${c.toString(16)} at index ${i} is not Latin-1`);
    out[i] = c;
  }
  return out;
}

/**
 * The numpy globals of the allowlist: array reconstruction (`_reconstruct`, `ndarray`, `dtype`), protocol-5
 * `_frombuffer` and `scalar`, under both the numpy < 2 (`numpy.core`) and numpy ≥ 2 (`numpy._core`) module names.
 */
export const numpyPickleGlobals: Readonly<Record<string, PickleGlobal>> = {
  'numpy.ndarray': {},
  'numpy.dtype': { reduce: dtypeFromArgs },
  'numpy.core.multiarray._reconstruct': reconstruct,
  'numpy._core.multiarray._reconstruct': reconstruct,
  'numpy.core.multiarray.scalar': scalar,
  'numpy._core.multiarray.scalar': scalar,
  'numpy.core.numeric._frombuffer': frombuffer,
  'numpy._core.numeric._frombuffer': frombuffer,
};
