import type { VerificationBin } from './read-verification-bin';

/** Options of {@link writeVerificationBin}. */
export interface WriteVerificationBinOptions {
  /**
   * Pickle protocol. 4 (default) and 3 write images as `bytes` (read by any Python 3 `pickle.load`); 2 writes
   * Python-2 `str` (BINSTRING), the layout of the released insightface files, read by Python 2 and by insightface's
   * `encoding='bytes'` fallback.
   */
  protocol?: 2 | 3 | 4;
}

/** Items per APPENDS, as CPython's pickler batches them. */
const BATCH = 1000;

/**
 * Writes an insightface verification `.bin`: the pickle of `(bins, issame_list)` that insightface's `load_bin`
 * reads. Pair `i` is `(images[2i], images[2i + 1])`.
 *
 * @param bin - `{ images, issame }` with `images.length === 2 * issame.length`.
 * @param options - `{ protocol }`, default 4.
 * @returns the file bytes.
 * @example
 * ```ts
 * const bytes = writeVerificationBin({ images: [a1, a2, b1, c1], issame: [true, false] });
 * ```
 */
export function writeVerificationBin(
  bin: VerificationBin,
  options: WriteVerificationBinOptions = {},
): Uint8Array {
  for (const name of Object.keys(options)) {
    if (name !== 'protocol') throw new TypeError(`writeVerificationBin: unknown option "${name}"`);
  }
  const protocol = options.protocol ?? 4;
  if (protocol !== 2 && protocol !== 3 && protocol !== 4)
    throw new RangeError(`writeVerificationBin: protocol must be 2, 3 or 4, got ${String(protocol)}`);
  if (bin.images.length !== 2 * bin.issame.length) {
    throw new RangeError(
      `writeVerificationBin: ${bin.images.length} images for ${bin.issame.length} pairs; need two per pair`,
    );
  }
  const chunks: Uint8Array[] = [];
  const op = (...values: number[]) => chunks.push(Uint8Array.from(values));
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  op(0x80, protocol);
  op(0x5d); // EMPTY_LIST
  bin.images.forEach((image, i) => {
    if (i % BATCH === 0) op(0x28); // MARK
    if (image.byteLength > 0xffffffff || (protocol === 2 && image.byteLength > 0x7fffffff)) {
      throw new RangeError(`writeVerificationBin: image ${i} is too large for protocol ${protocol}`);
    }
    const short = image.byteLength < 256;
    if (protocol === 2)
      op(short ? 0x55 : 0x54); // SHORT_BINSTRING / BINSTRING
    else op(short ? 0x43 : 0x42); // SHORT_BINBYTES / BINBYTES
    chunks.push(short ? Uint8Array.of(image.byteLength) : u32(image.byteLength), image);
    if (i % BATCH === BATCH - 1 || i === bin.images.length - 1) op(0x65); // APPENDS
  });
  op(0x5d);
  bin.issame.forEach((same, i) => {
    if (i % BATCH === 0) op(0x28);
    op(same ? 0x88 : 0x89);
    if (i % BATCH === BATCH - 1 || i === bin.issame.length - 1) op(0x65);
  });
  op(0x86, 0x2e); // TUPLE2, STOP
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}
