import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';

import { NativeSetupError } from './native-setup-error';

/** One file of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  readonly name: string;
  /** 0 (stored) or 8 (deflate); other methods are refused when the entry is read. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Offset of the entry's local header in the archive. */
  readonly localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
/** The end-of-central-directory record ends the file, after a comment of at most 65535 bytes. */
const EOCD_SEARCH = EOCD_SIZE + 0xffff;
/** A wheel's central directory is a few MB; refuse to read more than this on a file's say-so. */
const MAX_CENTRAL_DIRECTORY = 256 * 1024 * 1024;
/** Entries read into memory (headers) must be small. */
const MAX_IN_MEMORY_ENTRY = 16 * 1024 * 1024;

/**
 * A read-only view of a zip archive (a Python wheel is one), reading only what it is asked for: the
 * central directory at open, then single entries, streamed to disk or (if small) into memory. Sizes,
 * offsets and counts from the file are checked against the file's own size before anything is
 * allocated, and every entry's CRC-32 and size are checked after inflating (PKWARE APPNOTE 6.3.10).
 */
export class ZipArchive {
  private constructor(
    readonly path: string,
    private readonly fileSize: number,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /**
   * Opens `path` and reads its central directory.
   * @throws NativeSetupError naming the file and offset when it is not a zip archive or is damaged.
   */
  static async open(path: string): Promise<ZipArchive> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const entries = await readCentralDirectory(handle, path, size);
      return new ZipArchive(path, size, entries);
    } finally {
      await handle.close();
    }
  }

  /** The entry named `name`, or `undefined`. */
  get(name: string): ZipEntry | undefined {
    return this.entries.get(name);
  }

  /** Reads a small entry (at most 16 MB) into memory. */
  async read(entry: ZipEntry): Promise<Buffer> {
    if (entry.size > MAX_IN_MEMORY_ENTRY || entry.compressedSize > MAX_IN_MEMORY_ENTRY) {
      throw this.damaged(entry.localHeaderOffset, `entry ${entry.name} is too large to read into memory`);
    }
    const start = await this.dataOffset(entry);
    const handle = await open(this.path, 'r');
    let raw: Buffer;
    try {
      raw = Buffer.alloc(entry.compressedSize);
      const { bytesRead } = await handle.read(raw, 0, raw.length, start);
      if (bytesRead !== raw.length) throw this.damaged(start, `entry ${entry.name} is truncated`);
    } finally {
      await handle.close();
    }
    let data: Buffer;
    try {
      data = entry.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: entry.size + 1 });
    } catch (error) {
      throw this.damaged(start, `entry ${entry.name} does not inflate: ${(error as Error).message}`);
    }
    this.check(entry, data.length, crc32(data), start);
    return data;
  }

  /**
   * Streams an entry to `destination` (written beside it first, renamed when complete and checked, so an
   * interrupted extraction never leaves a partial file under the final name).
   */
  async extract(entry: ZipEntry, destination: string): Promise<void> {
    const start = await this.dataOffset(entry);
    if (entry.compressedSize === 0 && entry.size === 0) {
      await pipeline(async function* () {}, createWriteStream(destination));
      return;
    }
    const partial = `${destination}.partial-${process.pid}`;
    let size = 0;
    let crc = 0;
    const limit = entry.size;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) {
          done(new Error(`inflates past its declared size of ${limit} bytes`));
          return;
        }
        crc = crc32(chunk, crc);
        done(null, chunk);
      },
    });
    const source = createReadStream(this.path, { start, end: start + entry.compressedSize - 1 });
    try {
      if (entry.method === 0) await pipeline(source, counter, createWriteStream(partial));
      else await pipeline(source, createInflateRaw(), counter, createWriteStream(partial));
      this.check(entry, size, crc, start);
      await rename(partial, destination);
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof NativeSetupError) throw error;
      throw this.damaged(start, `entry ${entry.name}: ${(error as Error).message}`);
    }
  }

  private check(entry: ZipEntry, size: number, crc: number, offset: number): void {
    if (size !== entry.size) {
      throw this.damaged(offset, `entry ${entry.name} inflates to ${size} bytes, not ${entry.size}`);
    }
    if (crc >>> 0 !== entry.crc32 >>> 0) throw this.damaged(offset, `entry ${entry.name} fails its CRC-32`);
  }

  /** Where an entry's data starts: after its local header, whose name and extra field may differ in length. */
  private async dataOffset(entry: ZipEntry): Promise<number> {
    if (entry.method !== 0 && entry.method !== 8) {
      throw this.damaged(
        entry.localHeaderOffset,
        `entry ${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`,
      );
    }
    const handle = await open(this.path, 'r');
    try {
      const header = Buffer.alloc(30);
      const { bytesRead } = await handle.read(header, 0, 30, entry.localHeaderOffset);
      if (bytesRead !== 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
        throw this.damaged(entry.localHeaderOffset, `no local header for entry ${entry.name}`);
      }
      const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      if (start + entry.compressedSize > this.fileSize) {
        throw this.damaged(start, `entry ${entry.name} runs past the end of the file`);
      }
      return start;
    } finally {
      await handle.close();
    }
  }

  private damaged(offset: number, what: string): NativeSetupError {
    return zipError(this.path, offset, what);
  }
}

function zipError(path: string, offset: number, what: string): NativeSetupError {
  return new NativeSetupError(
    `${path} is not a readable zip archive (offset ${offset}): ${what}`,
    'Download the wheel again (pip download --no-deps <requirement>): the file is damaged or not a wheel.',
  );
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, offset);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}

async function readCentralDirectory(
  handle: FileHandle,
  path: string,
  fileSize: number,
): Promise<Map<string, ZipEntry>> {
  if (fileSize < EOCD_SIZE) throw zipError(path, 0, `only ${fileSize} bytes`);
  const tailStart = Math.max(0, fileSize - EOCD_SEARCH);
  const tail = await readAt(handle, tailStart, fileSize - tailStart);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      at = i;
      break;
    }
  }
  if (at < 0) throw zipError(path, fileSize, 'no end-of-central-directory record');
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // Zip64: a locator just before the record points at the zip64 end-of-central-directory record.
    const locatorAt = tailStart + at - 20;
    const locator = locatorAt >= 0 ? await readAt(handle, locatorAt, 20) : Buffer.alloc(0);
    if (locator.length !== 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) {
      throw zipError(path, Math.max(locatorAt, 0), 'zip64 sizes without a zip64 locator');
    }
    const recordAt = Number(locator.readBigUInt64LE(8));
    if (recordAt + 56 > fileSize) throw zipError(path, locatorAt, 'zip64 record past the end of the file');
    const record = await readAt(handle, recordAt, 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw zipError(path, recordAt, 'bad zip64 record');
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY || cdOffset + cdSize > fileSize || count > cdSize / 46) {
    throw zipError(path, cdOffset, `central directory of ${count} entries in ${cdSize} bytes does not fit`);
  }
  const cd = await readAt(handle, cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) {
      throw zipError(path, cdOffset + p, `central directory entry ${i} is damaged`);
    }
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw zipError(path, cdOffset + p, `central directory entry ${i} runs past its end`);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
    // Zip64 extended information: the 64-bit values, in this order, of the fields that hold 0xffffffff.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const length = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const take = () => {
          if (q + 8 > e + 4 + length) throw zipError(path, cdOffset + q, `zip64 field of ${name} is short`);
          const value = Number(cd.readBigUInt64LE(q));
          q += 8;
          return value;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      e += 4 + length;
    }
    if (localHeaderOffset + 30 + compressedSize > fileSize) {
      throw zipError(path, cdOffset + p, `entry ${name} points past the end of the file`);
    }
    entries.set(name, { name, method, compressedSize, size, crc32: crc, localHeaderOffset });
    p = end;
  }
  return entries;
}
