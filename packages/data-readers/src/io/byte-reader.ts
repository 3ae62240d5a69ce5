import { DataFormatError } from '../errors/data-format-error';

/**
 * A bounds-checked little-endian cursor over an in-memory buffer. Every read checks the remaining bytes first, so
 * a length field can never make the caller allocate or read past the end. Errors name the file and the absolute
 * byte offset (`base` + position).
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly file: string;
  /** Absolute offset of `bytes[0]` in the file, for error messages. */
  readonly base: number;
  position: number;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, file: string, base = 0, position = 0) {
    this.bytes = bytes;
    this.file = file;
    this.base = base;
    this.position = position;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.position;
  }

  /** Throws a {@link DataFormatError} at the current position (or `at`, relative to the buffer). */
  fail(detail: string, at = this.position): never {
    throw new DataFormatError(detail, { file: this.file, offset: this.base + at });
  }

  /** Ensures `length` more bytes exist; `what` names the field in the error. */
  need(length: number, what: string): void {
    if (length < 0 || !Number.isSafeInteger(length)) this.fail(`${what}: invalid length ${length}`);
    if (length > this.remaining) {
      this.fail(
        `${what}: needs ${length} bytes but only ${this.remaining} remain (truncated or corrupt data)`,
      );
    }
  }

  u8(what = 'uint8'): number {
    this.need(1, what);
    return this.bytes[this.position++]!;
  }

  u16(what = 'uint16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.position, true);
    this.position += 2;
    return v;
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.position, true);
    this.position += 4;
    return v;
  }

  i32(what = 'int32'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.position, true);
    this.position += 4;
    return v;
  }

  /** An unsigned 64-bit length; values above 2^53 fail (they cannot fit in any buffer anyway). */
  u64(what = 'uint64'): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.position, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what}: value ${v} is too large`);
    this.position += 8;
    return Number(v);
  }

  f64be(what = 'float64'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.position, false);
    this.position += 8;
    return v;
  }

  /** A view of the next `length` bytes (no copy). */
  take(length: number, what = 'bytes'): Uint8Array {
    this.need(length, what);
    const out = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return out;
  }

  /** Bytes up to (not including) the next `\n`, consumed with the newline. */
  line(what = 'text line'): Uint8Array {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) this.fail(`${what}: missing newline`);
    const out = this.bytes.subarray(this.position, end);
    this.position = end + 1;
    return out;
  }
}
