import { formatRecordIOIndex, type RecordIOIndexEntry } from './index-file';
import { encodeRecord } from './record-framing';

/** Receives the `.rec` bytes in order; may be async (a file stream). */
export type RecordIOSink = (chunk: Uint8Array) => void | Promise<void>;

/**
 * Writes MXNet RecordIO: each payload is framed with {@link encodeRecord} (split at aligned embedded magic, as
 * dmlc-core does) and its offset recorded for the `.idx`. Without a sink the bytes are kept in memory
 * (`toBytes()`); with one (e.g. a Node write stream) they are handed over as they are produced.
 * The output is what `mx.recordio.MXIndexedRecordIO(idx, rec, 'r')` reads.
 *
 * @example
 * ```ts
 * const writer = new RecordIOWriter();
 * await writer.write(0, packImageRecord({ label: 1, id: 0, image: jpeg }));
 * const rec = writer.toBytes();
 * const idx = writer.indexText();
 * ```
 */
export class RecordIOWriter {
  private readonly chunks: Uint8Array[] = [];
  private readonly entries: RecordIOIndexEntry[] = [];
  private readonly keys = new Set<number>();
  private readonly sink: RecordIOSink | undefined;
  private offset = 0;

  /** @param options.sink - where to send the bytes; default: keep them in memory. */
  constructor(options: { sink?: RecordIOSink } = {}) {
    this.sink = options.sink;
  }

  /** Bytes written so far (= the offset of the next record). */
  get size(): number {
    return this.offset;
  }

  /**
   * Appends one record and indexes it under `key`.
   *
   * @param key - non-negative integer key, unique within the file.
   * @param payload - record content.
   * @returns the byte offset of the record.
   */
  async write(key: number, payload: Uint8Array): Promise<number> {
    if (!Number.isSafeInteger(key) || key < 0)
      throw new RangeError(`RecordIOWriter: key must be a non-negative integer, got ${key}`);
    if (this.keys.has(key)) throw new RangeError(`RecordIOWriter: duplicate key ${key}`);
    const framed = encodeRecord(payload);
    const at = this.offset;
    this.keys.add(key);
    this.entries.push({ key, offset: at });
    this.offset += framed.byteLength;
    if (this.sink) await this.sink(framed);
    else this.chunks.push(framed);
    return at;
  }

  /** The index entries written so far, in write order. */
  index(): RecordIOIndexEntry[] {
    return this.entries.slice();
  }

  /** The `.idx` file content. */
  indexText(): string {
    return formatRecordIOIndex(this.entries);
  }

  /** The whole `.rec` (only when no sink was given). */
  toBytes(): Uint8Array {
    if (this.sink) throw new Error('RecordIOWriter: toBytes() is unavailable when a sink receives the bytes');
    const out = new Uint8Array(this.offset);
    let pos = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, pos);
      pos += chunk.byteLength;
    }
    return out;
  }
}
