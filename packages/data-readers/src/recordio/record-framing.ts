/**
 * MXNet / dmlc-core RecordIO framing constants and the record encoder (dmlc-core `src/recordio.cc`).
 */

/** dmlc-core `RecordIOWriter::kMagic`; stored little-endian as the bytes 0A 23 D7 CE. */
export const RECORDIO_MAGIC = 0xced7230a;

/** The magic as it appears on disk, re-inserted between the parts of a split record. */
export const RECORDIO_MAGIC_BYTES: Readonly<Uint8Array> = new Uint8Array([0x0a, 0x23, 0xd7, 0xce]);

/** Payload lengths are stored in the low 29 bits of `lrecord`. */
export const RECORDIO_MAX_PART_LENGTH = (1 << 29) - 1;

/** Continuation flag (top 3 bits of `lrecord`): 0 whole record, 1 first part, 2 middle part, 3 last part. */
export type RecordIOContinuation = 0 | 1 | 2 | 3;

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * Encodes one payload as RecordIO bytes exactly as dmlc-core's `RecordIOWriter::WriteRecord` does: wherever the
 * magic occurs at a 4-byte-aligned offset of the payload, the record is split there (the 4 magic bytes are dropped
 * and re-inserted by readers), each part gets a `magic, lrecord` header, and only the final part is zero-padded to
 * a multiple of 4 bytes.
 *
 * @param payload - record content (e.g. from {@link packImageRecord}); at most 2^29 − 1 bytes per part.
 * @returns the framed bytes, ready to append to a `.rec` file.
 * @example
 * ```ts
 * const framed = encodeRecord(packImageRecord({ label: 3, id: 1, image: jpegBytes }));
 * ```
 */
export function encodeRecord(payload: Uint8Array): Uint8Array {
  const splits: number[] = [];
  const alignedEnd = payload.byteLength - (payload.byteLength % 4);
  for (let i = 0; i < alignedEnd; i += 4) {
    if (
      payload[i] === 0x0a &&
      payload[i + 1] === 0x23 &&
      payload[i + 2] === 0xd7 &&
      payload[i + 3] === 0xce
    ) {
      splits.push(i);
    }
  }
  // Part boundaries: [start, end) pairs, skipping the 4 magic bytes at each split.
  const parts: [number, number][] = [];
  let start = 0;
  for (const at of splits) {
    parts.push([start, at]);
    start = at + 4;
  }
  parts.push([start, payload.byteLength]);
  let total = 0;
  for (const [s, e] of parts) {
    if (e - s > RECORDIO_MAX_PART_LENGTH) {
      throw new RangeError(
        `encodeRecord: a record part of ${e - s} bytes exceeds the RecordIO limit of 2^29 - 1`,
      );
    }
    total += 8 + pad4(e - s);
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  parts.forEach(([s, e], i) => {
    const last = i === parts.length - 1;
    const cflag = parts.length === 1 ? 0 : i === 0 ? 1 : last ? 3 : 2;
    view.setUint32(pos, RECORDIO_MAGIC, true);
    view.setUint32(pos + 4, ((cflag << 29) | (e - s)) >>> 0, true);
    out.set(payload.subarray(s, e), pos + 8);
    pos += 8 + pad4(e - s);
  });
  return out;
}
