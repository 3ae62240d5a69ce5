import { ByteReader } from '../io/byte-reader';

/** One file entry of a zip archive (`stored` entries only are readable). */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate, … */
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * A small bounds-checked reader for the zip container of PyTorch checkpoints (PKWARE APPNOTE: end of central
 * directory, zip64 end of central directory, central directory, local headers). Only `stored` (uncompressed)
 * entries can be read, which is what `torch.save` writes.
 */
export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    const r = new ByteReader(bytes, file);
    const eocd = this.findEndOfCentralDirectory(r);
    r.position = eocd + 10;
    let count = r.u16('entry count');
    let cdSize = r.u32('central directory size');
    let cdOffset = r.u32('central directory offset');
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      if (eocd < 20) r.fail('zip64 fields announced but no zip64 locator', eocd);
      r.position = eocd - 20;
      if (r.u32('zip64 locator signature') !== ZIP64_LOCATOR)
        r.fail('zip64 end-of-central-directory locator missing', eocd - 20);
      r.position = eocd - 12;
      const zip64 = r.u64('zip64 end of central directory offset');
      if (zip64 >= bytes.byteLength)
        r.fail(`zip64 end of central directory offset ${zip64} is past the end`, eocd - 12);
      r.position = zip64;
      if (r.u32('zip64 signature') !== ZIP64_EOCD)
        r.fail('bad zip64 end-of-central-directory signature', zip64);
      r.position = zip64 + 32;
      count = r.u64('zip64 entry count');
      cdSize = r.u64('zip64 central directory size');
      cdOffset = r.u64('zip64 central directory offset');
    }
    if (cdOffset + cdSize > bytes.byteLength)
      r.fail(`central directory (${cdSize} bytes at ${cdOffset}) runs past the end`, eocd);
    // Each central entry has at least 46 bytes: bounds the count before looping.
    if (count * 46 > cdSize)
      r.fail(`zip announces ${count} entries but the central directory holds ${cdSize} bytes`, eocd);
    r.position = cdOffset;
    for (let i = 0; i < count; i++) {
      const at = r.position;
      if (r.u32('central directory signature') !== CENTRAL)
        r.fail(`bad central directory entry signature (entry ${i})`, at);
      r.position = at + 10;
      const method = r.u16('method');
      r.position = at + 20;
      let compressedSize = r.u32('compressed size');
      let size = r.u32('size');
      const nameLength = r.u16('name length');
      const extraLength = r.u16('extra length');
      const commentLength = r.u16('comment length');
      r.position = at + 42;
      let localHeaderOffset = r.u32('local header offset');
      const name = new TextDecoder().decode(r.take(nameLength, 'entry name'));
      const extra = new ByteReader(
        r.take(extraLength, 'extra field'),
        file,
        r.base + r.position - extraLength,
      );
      r.take(commentLength, 'entry comment');
      while (extra.remaining >= 4) {
        const id = extra.u16();
        const length = extra.u16();
        const field = new ByteReader(
          extra.take(length, 'extra field'),
          file,
          extra.base + extra.position - length,
        );
        if (id !== 0x0001) continue;
        if (size === 0xffffffff) size = field.u64('zip64 size');
        if (compressedSize === 0xffffffff) compressedSize = field.u64('zip64 compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = field.u64('zip64 local header offset');
      }
      this.entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
    }
  }

  private findEndOfCentralDirectory(r: ByteReader): number {
    const n = this.bytes.byteLength;
    const stop = Math.max(0, n - 22 - 0xffff);
    for (let at = n - 22; at >= stop; at--) {
      if (
        this.bytes[at] === 0x50 &&
        this.bytes[at + 1] === 0x4b &&
        this.bytes[at + 2] === 0x05 &&
        this.bytes[at + 3] === 0x06
      ) {
        r.position = at;
        if (r.u32() === EOCD) return at;
      }
    }
    return r.fail(
      'not a zip archive: end-of-central-directory record not found (truncated file?)',
      Math.max(0, n - 22),
    );
  }

  /** The bytes of a stored entry (a view, no copy). */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw new RangeError(`${this.file}: zip entry "${name}" not found`);
    const r = new ByteReader(this.bytes, this.file);
    if (entry.method !== 0) {
      r.fail(
        `zip entry "${name}" uses compression method ${entry.method}; only stored (0) entries are supported — re-save with torch.save`,
        entry.localHeaderOffset,
      );
    }
    if (entry.localHeaderOffset + 30 > this.bytes.byteLength)
      r.fail(`local header of "${name}" is past the end`, entry.localHeaderOffset);
    r.position = entry.localHeaderOffset;
    if (r.u32('local header signature') !== LOCAL)
      r.fail(`bad local header signature for "${name}"`, entry.localHeaderOffset);
    r.position = entry.localHeaderOffset + 26;
    const nameLength = r.u16();
    const extraLength = r.u16();
    r.position += nameLength + extraLength;
    if (r.position > this.bytes.byteLength)
      r.fail(`local header of "${name}" runs past the end`, entry.localHeaderOffset);
    return r.take(entry.compressedSize, `data of "${name}"`);
  }
}
