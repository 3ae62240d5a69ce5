import { DataFormatError, DataLimitError } from '../errors/data-format-error';
import { toByteSource, type ByteSource, type ByteSourceInput } from '../io/byte-source';
import { WindowedReader } from '../io/windowed-reader';
import { parseRecordIOIndex, type RecordIOIndexEntry } from './index-file';
import { RECORDIO_MAGIC, RECORDIO_MAGIC_BYTES, RECORDIO_MAX_PART_LENGTH } from './record-framing';

/** One record as yielded by iterating a {@link RecordIOReader}. */
export interface RecordIORecord {
  /** Byte offset of the record's first part in the `.rec`. */
  offset: number;
  /** The `.idx` key for this offset, if an index was given and lists it. */
  key: number | undefined;
  /** The payload, with split parts rejoined. */
  payload: Uint8Array;
}

/** Options of {@link openRecordIO}. */
export interface OpenRecordIOOptions {
  /** The `.rec` bytes: a buffer, a Blob/File, or a {@link ByteSource} (`fileSource(path)` in Node). */
  rec: ByteSourceInput;
  /**
   * The `.idx` file: its text, bytes, or parsed entries. Optional — without it `keys()` is empty and `readRecord`
   * fails, but iteration in file order works.
   */
  idx?: string | Uint8Array | readonly RecordIOIndexEntry[];
  /** Name of the `.rec` for error messages when `rec` is a buffer. Default `'<rec>'`. */
  file?: string;
  /** Name of the `.idx` for error messages. Default: `file` with `.rec` replaced by `.idx`. */
  idxFile?: string;
  /**
   * Largest payload of one record, in bytes, parts rejoined; a longer record is refused with a `DataLimitError`
   * before it is assembled. Default {@link DEFAULT_MAX_RECORD_BYTES} (2^29, one more than the largest single part;
   * a payload can never be longer than the `.rec` either).
   */
  maxRecordBytes?: number;
}

/** Default {@link OpenRecordIOOptions.maxRecordBytes}: 2^29 bytes, one more than the largest single part. */
export const DEFAULT_MAX_RECORD_BYTES = RECORDIO_MAX_PART_LENGTH + 1;

/**
 * An open MXNet RecordIO file; create with {@link openRecordIO}. Iterating it (`for await … of reader`) yields every
 * record in file order, whether or not it is in the index.
 */
export interface RecordIOReader extends AsyncIterable<RecordIORecord> {
  /** Name of the `.rec` (for messages). */
  readonly file: string;
  /** Size of the `.rec` in bytes. */
  readonly size: number;
  /** Keys of the `.idx`, in index-file order. */
  keys(): number[];
  /** Whether the index lists `key`. */
  has(key: number): boolean;
  /** The index offset of `key`, or `undefined`. */
  offsetOf(key: number): number | undefined;
  /** Reads the record with index key `key` (random access through the `.idx`). */
  readRecord(key: number): Promise<Uint8Array>;
  /** Reads the record whose first part starts at byte `offset`; returns the payload and the next record's offset. */
  readRecordAt(offset: number): Promise<{ payload: Uint8Array; next: number }>;
  /** Closes the underlying source. */
  close(): Promise<void>;
}

const pad4 = (n: number) => (n + 3) & ~3;

class RecordIOFile implements RecordIOReader {
  readonly file: string;
  readonly size: number;
  private readonly window: WindowedReader;
  private readonly offsets = new Map<number, number>();
  private readonly keyByOffset = new Map<number, number>();
  private readonly keyList: number[];

  constructor(
    private readonly source: ByteSource,
    entries: readonly RecordIOIndexEntry[],
    private readonly maxRecordBytes: number,
  ) {
    this.file = source.name;
    this.size = source.size;
    this.window = new WindowedReader(source);
    for (const { key, offset } of entries) {
      this.offsets.set(key, offset);
      this.keyByOffset.set(offset, key);
    }
    this.keyList = entries.map((e) => e.key);
  }

  keys(): number[] {
    return this.keyList.slice();
  }

  has(key: number): boolean {
    return this.offsets.has(key);
  }

  offsetOf(key: number): number | undefined {
    return this.offsets.get(key);
  }

  async readRecord(key: number): Promise<Uint8Array> {
    const offset = this.offsets.get(key);
    if (offset === undefined) throw new RangeError(`${this.file}: no record with key ${key} in the index`);
    return (await this.readRecordAt(offset)).payload;
  }

  /** Reads one part header at `offset`: returns cflag, payload length and where the part's payload starts. */
  private async readHeader(offset: number): Promise<{ cflag: number; length: number }> {
    if (offset + 8 > this.size) {
      throw new DataFormatError(
        `truncated record header: needs 8 bytes at offset ${offset} but the file has ${this.size} bytes`,
        { file: this.file, offset },
      );
    }
    const header = await this.window.read(offset, 8);
    const view = new DataView(header.buffer, header.byteOffset, 8);
    const magic = view.getUint32(0, true);
    if (magic !== RECORDIO_MAGIC) {
      throw new DataFormatError(
        `bad RecordIO magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x${RECORDIO_MAGIC.toString(16)}`,
        { file: this.file, offset },
      );
    }
    const lrecord = view.getUint32(4, true);
    const length = lrecord & 0x1fffffff;
    if (offset + 8 + length > this.size) {
      throw new DataFormatError(
        `record length ${length} runs past the end of the file (${this.size - offset - 8} bytes remain)`,
        { file: this.file, offset: offset + 4 },
      );
    }
    return { cflag: lrecord >>> 29, length };
  }

  async readRecordAt(offset: number): Promise<{ payload: Uint8Array; next: number }> {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.size) {
      throw new DataFormatError(`record offset ${offset} is outside the file (${this.size} bytes)`, {
        file: this.file,
        offset,
      });
    }
    const first = await this.readHeader(offset);
    const firstPayload = (await this.window.read(offset + 8, first.length)).slice();
    let next = Math.min(this.size, offset + 8 + pad4(first.length));
    if (first.cflag === 0) return { payload: firstPayload, next };
    if (first.cflag !== 1) {
      throw new DataFormatError(`record starts with continuation flag ${first.cflag}, expected 0 or 1`, {
        file: this.file,
        offset: offset + 4,
      });
    }
    // One growing buffer, not one object per part: millions of empty parts must cost bytes, not objects.
    let payload = new Uint8Array(Math.max(64, 2 * firstPayload.byteLength));
    payload.set(firstPayload);
    let total = firstPayload.byteLength;
    for (;;) {
      const partOffset = next;
      const { cflag, length } = await this.readHeader(partOffset);
      if (cflag !== 2 && cflag !== 3) {
        throw new DataFormatError(`continuation part has flag ${cflag}, expected 2 or 3`, {
          file: this.file,
          offset: partOffset + 4,
        });
      }
      const end = total + 4 + length;
      if (end > this.maxRecordBytes) {
        throw new DataLimitError(
          `record payload (parts rejoined) from byte ${offset}`,
          end,
          this.maxRecordBytes,
          'maxRecordBytes',
          { file: this.file, offset: partOffset },
        );
      }
      if (end > payload.byteLength) {
        const grown = new Uint8Array(Math.min(this.maxRecordBytes, Math.max(end, 2 * payload.byteLength)));
        grown.set(payload.subarray(0, total));
        payload = grown;
      }
      payload.set(RECORDIO_MAGIC_BYTES, total);
      if (length > 0) payload.set(await this.window.read(partOffset + 8, length), total + 4);
      total = end;
      next = Math.min(this.size, partOffset + 8 + pad4(length));
      if (cflag === 3) break;
    }
    return { payload: payload.slice(0, total), next };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordIORecord> {
    let offset = 0;
    while (offset < this.size) {
      const { payload, next } = await this.readRecordAt(offset);
      yield { offset, key: this.keyByOffset.get(offset), payload };
      offset = next;
    }
  }

  close(): Promise<void> {
    return this.source.close();
  }
}

/**
 * Opens an MXNet RecordIO file (`.rec`, with its `.idx` for random access), as written by MXNet's
 * `MXIndexedRecordIO`, `im2rec` and insightface's `RecBuilder`. Multi-part records (continuation flags 1/2/3) are
 * rejoined with the magic re-inserted, exactly as dmlc-core's reader does. The index is validated up front: every
 * offset must lie inside the `.rec`.
 *
 * Follows dmlc-core `recordio.{h,cc}` and apache/mxnet `python/mxnet/recordio.py`.
 *
 * @param options - `{ rec, idx?, file?, idxFile?, maxRecordBytes? }`; see {@link OpenRecordIOOptions}.
 * @returns a reader with `keys()`, `readRecord(key)` and async iteration in file order.
 * @example
 * ```ts
 * import { fileSource } from '@frx/data-readers/node';
 * const reader = await openRecordIO({ rec: await fileSource('train.rec'), idx: await readFile('train.idx', 'utf8') });
 * const { label, image } = unpackImageRecord(await reader.readRecord(reader.keys()[0]));
 * for await (const { payload } of reader) { ... }
 * await reader.close();
 * ```
 */
export function openRecordIO(options: OpenRecordIOOptions): Promise<RecordIOReader> {
  // Synchronous validation errors become rejections, so callers handle one failure path.
  return new Promise((resolve) => resolve(openRecordIOSync(options)));
}

function openRecordIOSync(options: OpenRecordIOOptions): RecordIOReader {
  const allowed = new Set(['rec', 'idx', 'file', 'idxFile', 'maxRecordBytes']);
  for (const name of Object.keys(options)) {
    if (!allowed.has(name)) throw new TypeError(`openRecordIO: unknown option "${name}"`);
  }
  const source = toByteSource(options.rec, options.file ?? '<rec>');
  const idxFile =
    options.idxFile ?? (source.name.endsWith('.rec') ? `${source.name.slice(0, -4)}.idx` : '<idx>');
  let entries: readonly RecordIOIndexEntry[] = [];
  if (typeof options.idx === 'string' || options.idx instanceof Uint8Array) {
    const text = typeof options.idx === 'string' ? options.idx : new TextDecoder().decode(options.idx);
    entries = parseRecordIOIndex(text, { file: idxFile, recSize: source.size });
  } else if (options.idx !== undefined) {
    for (const { key, offset } of options.idx) {
      if (!Number.isSafeInteger(offset) || offset < 0 || offset >= source.size) {
        throw new DataFormatError(`offset ${offset} for key ${key} is outside the record file`, {
          file: idxFile,
        });
      }
    }
    entries = options.idx;
  }
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (!(maxRecordBytes > 0))
    throw new TypeError(
      `openRecordIO: maxRecordBytes must be positive, got ${String(options.maxRecordBytes)}`,
    );
  return new RecordIOFile(source, entries, maxRecordBytes);
}
