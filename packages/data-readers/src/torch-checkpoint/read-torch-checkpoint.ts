import { DataFormatError } from '../errors/data-format-error';
import { ByteReader } from '../io/byte-reader';
import { MemoryBudget, memoryBudgetFor, TYPED_ARRAY_OVERHEAD } from '../limits/memory-budget';
import { defaultPickleGlobals, unpickleAt } from '../pickle/read-pickle';
import { describePickleValue, PickleDict, PickleGlobalRef, type PickleGlobal } from '../pickle/pickle-values';
import { ZipArchive } from './zip-archive';

/** Element types of PyTorch storages. */
export type TorchDtype =
  'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** A tensor read from a checkpoint, C-contiguous. */
export interface TorchTensor {
  /** Type of `data`: float16/bfloat16 are converted to `'float32'`. */
  dtype: Exclude<TorchDtype, 'float16' | 'bfloat16'>;
  /** The dtype stored in the file. */
  storageDtype: TorchDtype;
  /** PyTorch shape, e.g. `[out, in, kh, kw]` for a Conv2d weight (`[]` for a scalar). */
  shape: number[];
  /** Elements in C order. int64 as `BigInt64Array`; bool as 0/1 in a `Uint8Array`. */
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
}

const STORAGES: Record<string, { dtype: TorchDtype; size: number }> = {
  FloatStorage: { dtype: 'float32', size: 4 },
  DoubleStorage: { dtype: 'float64', size: 8 },
  HalfStorage: { dtype: 'float16', size: 2 },
  BFloat16Storage: { dtype: 'bfloat16', size: 2 },
  LongStorage: { dtype: 'int64', size: 8 },
  IntStorage: { dtype: 'int32', size: 4 },
  ShortStorage: { dtype: 'int16', size: 2 },
  CharStorage: { dtype: 'int8', size: 1 },
  ByteStorage: { dtype: 'uint8', size: 1 },
  BoolStorage: { dtype: 'bool', size: 1 },
};

/** A storage referenced by a persistent id; bytes are attached once known. */
class StorageRef {
  bytes: Uint8Array | undefined;
  constructor(
    readonly key: string,
    readonly dtype: TorchDtype,
    readonly elementSize: number,
    readonly numel: number,
  ) {}
}

/** Result of `_rebuild_tensor_v2`, materialised once all storages are loaded. */
class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function torchGlobals(): Record<string, PickleGlobal> {
  const globals: Record<string, PickleGlobal> = {
    'torch._utils._rebuild_tensor_v2': {
      reduce(args) {
        const [storage, offset, size, stride] = args;
        if (!(storage instanceof StorageRef)) throw new Error('first argument is not a storage');
        if (!isCount(offset))
          throw new Error(`storage offset ${describePickleValue(offset)} is not a non-negative integer`);
        if (!Array.isArray(size) || !size.every(isCount))
          throw new Error('size is not a tuple of non-negative integers');
        if (!Array.isArray(stride) || stride.length !== size.length || !stride.every(isCount)) {
          throw new Error('stride is not a tuple of non-negative integers matching the size');
        }
        return new TensorRef(storage, offset, size.slice(), stride.slice());
      },
    },
    'torch._utils._rebuild_parameter': {
      reduce(args) {
        if (!(args[0] instanceof TensorRef)) throw new Error('_rebuild_parameter expects a tensor');
        return args[0];
      },
    },
  };
  for (const name of Object.keys(STORAGES)) globals[`torch.${name}`] = {};
  return globals;
}

/** Parses a persistent id tuple `('storage', type, key, location, numel[, view_metadata])`. */
function storageFromPid(pid: unknown, storages: Map<string, StorageRef>): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5)
    throw new Error('persistent id is not a storage tuple');
  const [, type, key, , numel] = pid as unknown[];
  if (!(type instanceof PickleGlobalRef) || !STORAGES[type.name] || type.module !== 'torch') {
    throw new Error(`unsupported storage type ${describePickleValue(type)}`);
  }
  if (typeof key !== 'string' || !isCount(numel)) throw new Error('storage key/numel are malformed');
  const existing = storages.get(key);
  if (existing) return existing;
  const { dtype, size } = STORAGES[type.name]!;
  const ref = new StorageRef(key, dtype, size, numel);
  storages.set(key, ref);
  return ref;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Decodes little-endian storage bytes into a typed array (float16/bfloat16 widened to float32). */
function decodeStorage(ref: StorageRef, bigEndian: boolean, budget: MemoryBudget): TorchTensor['data'] {
  const widened = ref.dtype === 'float16' || ref.dtype === 'bfloat16' ? 4 * ref.numel : 0;
  budget.charge(TYPED_ARRAY_OVERHEAD + ref.numel * ref.elementSize + widened);
  const bytes = ref.bytes!.slice(0, ref.numel * ref.elementSize);
  if (bigEndian && ref.elementSize > 1) {
    for (let i = 0; i < bytes.byteLength; i += ref.elementSize)
      bytes.subarray(i, i + ref.elementSize).reverse();
  }
  const b = bytes.buffer;
  switch (ref.dtype) {
    case 'float32':
      return new Float32Array(b);
    case 'float64':
      return new Float64Array(b);
    case 'int64':
      return new BigInt64Array(b);
    case 'int32':
      return new Int32Array(b);
    case 'int16':
      return new Int16Array(b);
    case 'int8':
      return new Int8Array(b);
    case 'uint8':
    case 'bool':
      return new Uint8Array(b);
    case 'float16': {
      const half = new Uint16Array(b);
      const out = new Float32Array(half.length);
      for (let i = 0; i < half.length; i++) out[i] = halfToFloat(half[i]!);
      return out;
    }
    case 'bfloat16': {
      const raw = new Uint16Array(b);
      const bits = new Uint32Array(raw.length);
      for (let i = 0; i < raw.length; i++) bits[i] = raw[i]! << 16;
      return new Float32Array(bits.buffer);
    }
  }
}

/** Gathers `ref`'s elements in C order, honouring storage offset and strides. */
function materialise(
  ref: TensorRef,
  storage: TorchTensor['data'],
  file: string,
  budget: MemoryBudget,
): TorchTensor['data'] {
  const { shape, stride, offset } = ref;
  let numel = 1;
  for (const d of shape) numel *= d;
  const ctor = storage.constructor as new (n: number) => TorchTensor['data'];
  if (numel === 0) return new ctor(0);
  // A stride-0 (expanded) tensor has more elements than its storage: refuse before allocating them.
  budget.charge(TYPED_ARRAY_OVERHEAD + numel * storage.BYTES_PER_ELEMENT);
  let last = offset;
  shape.forEach((d, k) => (last += (d - 1) * stride[k]!));
  if (last >= storage.length) {
    throw new DataFormatError(
      `tensor of shape [${shape.join(', ')}] with offset ${offset} and strides [${stride.join(', ')}] reaches element ${last} of a storage of ${storage.length} (key ${ref.storage.key})`,
      { file },
    );
  }
  let contiguous = true;
  let expected = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    if (shape[k]! !== 1 && stride[k] !== expected) contiguous = false;
    expected *= shape[k]!;
  }
  if (contiguous) return storage.slice(offset, offset + numel);
  const out = new ctor(numel);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < numel; i++) {
    let at = offset;
    for (let k = 0; k < shape.length; k++) at += index[k]! * stride[k]!;
    (out as Float32Array)[i] = (storage as Float32Array)[at]!;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++index[k]! < shape[k]!) break;
      index[k] = 0;
    }
  }
  return out;
}

/** Walks dicts/lists, naming tensors by their dotted path (`layer1.0.conv1.weight`, `state_dict_backbone.fc.weight`). */
function collectTensors(root: unknown, file: string): [string, TensorRef][] {
  const out: [string, TensorRef][] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown, path: string, depth: number) => {
    if (value instanceof TensorRef) {
      out.push([path, value]);
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    if (depth > 64)
      throw new DataFormatError(`checkpoint objects are nested deeper than 64 levels at "${path}"`, { file });
    seen.add(value);
    const join = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (value instanceof Map) {
      for (const [key, item] of value) {
        if (typeof key === 'string' || typeof key === 'number') walk(item, join(String(key)), depth + 1);
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, join(String(i)), depth + 1));
    }
  };
  walk(root, '', 0);
  return out;
}

/** Options of {@link readTorchCheckpoint}. */
export interface ReadTorchCheckpointOptions {
  /** Name for error messages. Default `'<checkpoint>'`. */
  file?: string;
  /**
   * Budget in bytes for the pickle's objects and for the decoded tensors (storages and the C-contiguous copies
   * of strided or expanded tensors); a checkpoint that needs more is refused with a `DataLimitError`. Default
   * `8 · bytes.byteLength + 64 MiB` ({@link DEFAULT_MEMORY_BUDGET}).
   */
  maxMemoryBytes?: number;
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

/**
 * Reads a PyTorch checkpoint (`torch.save` of a state_dict, a training dict, or a list) without Python: the zip
 * format (default since PyTorch 1.6; stored entries, zip64) and the legacy format (`_use_new_zipfile_serialization
 * =False`). The pickle is read with the restricted unpickler — only `collections.OrderedDict`, the tensor and
 * parameter rebuild functions and the storage types are allowed, nothing is executed. Storage offsets and strides
 * are honoured (every tensor is returned C-contiguous), shared storages are read once, float16/bfloat16 become
 * float32, int64 buffers (e.g. `num_batches_tracked`) come back as `BigInt64Array`.
 *
 * Tensors are named by their path through dicts and lists, joined with `.` (a plain state_dict gives its own
 * keys). Follows PyTorch `torch/serialization.py`; see iresnet.md §7.
 *
 * @param bytes - the whole file.
 * @param options - `file` (name for error messages, default `'<checkpoint>'`), `maxMemoryBytes` (default
 *   `8 · bytes.byteLength + 64 MiB`); see {@link ReadTorchCheckpointOptions}.
 * @returns parameter name → `{ dtype, storageDtype, shape, data }`, in file order.
 * @example
 * ```ts
 * import { readTorchCheckpointFile } from '@frx/data-readers/node';
 * const weights = await readTorchCheckpointFile('backbone.pth');
 * const conv1 = weights.get('conv1.weight'); // shape [64, 3, 3, 3], Float32Array
 * ```
 */
export function readTorchCheckpoint(
  bytes: Uint8Array,
  options: ReadTorchCheckpointOptions = {},
): Map<string, TorchTensor> {
  for (const name of Object.keys(options)) {
    if (name !== 'file' && name !== 'maxMemoryBytes')
      throw new TypeError(`readTorchCheckpoint: unknown option "${name}"`);
  }
  const file = options.file ?? '<checkpoint>';
  const maxMemoryBytes = memoryBudgetFor(bytes.byteLength, options.maxMemoryBytes);
  const budget = new MemoryBudget(maxMemoryBytes, 'checkpoint tensor elements', file);
  const storages = new Map<string, StorageRef>();
  const globals = { ...defaultPickleGlobals, ...torchGlobals() };
  const persistentLoad = (pid: unknown) => storageFromPid(pid, storages);
  let root: unknown;
  let bigEndian = false;

  if (
    bytes.byteLength >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    bytes[2] === 0x03 &&
    bytes[3] === 0x04
  ) {
    const zip = new ZipArchive(bytes, file);
    const dataPkl = [...zip.entries.keys()].find((name) => name === 'data.pkl' || name.endsWith('/data.pkl'));
    if (dataPkl === undefined) throw new DataFormatError('zip checkpoint has no data.pkl entry', { file });
    const prefix = dataPkl.slice(0, -'data.pkl'.length);
    if (zip.entries.has(`${prefix}byteorder`)) {
      const order = new TextDecoder().decode(zip.read(`${prefix}byteorder`)).trim();
      if (order !== 'little' && order !== 'big')
        throw new DataFormatError(`unknown byteorder "${order}"`, { file });
      bigEndian = order === 'big';
    }
    root = unpickleAt(zip.read(dataPkl), {
      globals,
      persistentLoad,
      file: `${file}:${dataPkl}`,
      maxMemoryBytes,
    }).value;
    for (const ref of storages.values()) {
      const name = `${prefix}data/${ref.key}`;
      if (!zip.entries.has(name)) throw new DataFormatError(`storage entry "${name}" is missing`, { file });
      const data = zip.read(name);
      if (data.byteLength < ref.numel * ref.elementSize) {
        throw new DataFormatError(
          `storage "${name}" holds ${data.byteLength} bytes but ${ref.numel} ${ref.dtype} elements need ${ref.numel * ref.elementSize}`,
          { file },
        );
      }
      ref.bytes = data;
    }
  } else if (bytes.byteLength >= 1 && bytes[0] === 0x80) {
    root = readLegacy(bytes, file, globals, persistentLoad, storages, maxMemoryBytes);
  } else {
    throw new DataFormatError(
      'not a PyTorch checkpoint: expected a zip archive ("PK\\x03\\x04") or a legacy pickle (0x80)',
      { file, offset: 0 },
    );
  }

  const decoded = new Map<StorageRef, TorchTensor['data']>();
  const result = new Map<string, TorchTensor>();
  for (const [name, ref] of collectTensors(root, file)) {
    let storage = decoded.get(ref.storage);
    if (!storage) {
      storage = decodeStorage(ref.storage, bigEndian, budget);
      decoded.set(ref.storage, storage);
    }
    const storageDtype = ref.storage.dtype;
    const dtype = storageDtype === 'float16' || storageDtype === 'bfloat16' ? 'float32' : storageDtype;
    result.set(name, {
      dtype,
      storageDtype,
      shape: ref.shape,
      data: materialise(ref, storage, file, budget),
    });
  }
  return result;
}

function readLegacy(
  bytes: Uint8Array,
  file: string,
  globals: Record<string, PickleGlobal>,
  persistentLoad: (pid: unknown) => unknown,
  storages: Map<string, StorageRef>,
  maxMemoryBytes: number,
): unknown {
  let at = 0;
  const next = (withStorages = false) => {
    const { value, end } = unpickleAt(bytes, {
      globals,
      file,
      offset: at,
      maxMemoryBytes,
      ...(withStorages ? { persistentLoad } : {}),
    });
    at = end;
    return value;
  };
  const magicAt = at;
  if (next() !== LEGACY_MAGIC)
    throw new DataFormatError('legacy checkpoint: bad magic number', { file, offset: magicAt });
  const protocolAt = at;
  const protocol = next();
  if (protocol !== LEGACY_PROTOCOL) {
    throw new DataFormatError(
      `legacy checkpoint: unsupported protocol version ${describePickleValue(protocol)}`,
      {
        file,
        offset: protocolAt,
      },
    );
  }
  if (!(next() instanceof PickleDict))
    throw new DataFormatError('legacy checkpoint: missing sys_info dict', { file });
  const root = next(true);
  const keysAt = at;
  const keys = next();
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw new DataFormatError('legacy checkpoint: storage key list is malformed', { file, offset: keysAt });
  }
  const r = new ByteReader(bytes, file, 0, at);
  for (const key of keys) {
    const ref = storages.get(key);
    if (!ref) r.fail(`legacy checkpoint: storage "${key}" is not referenced by the object pickle`);
    const headerAt = r.position;
    const numel = r.u64(`element count of storage "${key}"`);
    if (numel !== ref!.numel)
      r.fail(`storage "${key}" holds ${numel} elements, the pickle announced ${ref!.numel}`, headerAt);
    ref!.bytes = r.take(numel * ref!.elementSize, `data of storage "${key}"`);
  }
  for (const ref of storages.values()) {
    if (!ref.bytes)
      throw new DataFormatError(`legacy checkpoint: storage "${ref.key}" has no data`, { file });
  }
  return root;
}
