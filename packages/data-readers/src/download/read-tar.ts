import { DataFormatError } from '../errors/data-format-error';

/** One member of a tar archive. */
export interface TarEntry {
  /** Path inside the archive (ustar prefix, GNU long names and pax `path` applied). */
  name: string;
  /** `'file'`, `'directory'`, or `'other'` (links, devices, FIFOs: never extracted). */
  type: 'file' | 'directory' | 'other';
  /** Content (a view into the archive; empty for non-files). */
  data: Uint8Array;
  /** Byte offset of the member's header. */
  offset: number;
}

const BLOCK = 512;

/**
 * Reads a (decompressed) tar archive: POSIX ustar and GNU formats, 512-byte headers (name at 0, size at 124 in
 * octal or GNU base-256, type flag at 156, `ustar` magic at 257, prefix at 345), data padded to 512 bytes, ending
 * with zero blocks. Every header checksum is verified and every size is checked against the remaining bytes before
 * use, so a corrupt archive ends in a {@link DataFormatError} with the header's offset. GNU `L` long names and pax
 * `path` records are honoured; pax/GNU metadata members are not returned.
 *
 * @param bytes - the tar file (gunzip `.tar.gz` first).
 * @param options - `file`: name for errors.
 * @returns the members in archive order.
 * @throws DataFormatError for a bad checksum, a malformed size or a member running past the end.
 *
 * @example
 * const entries = readTar(gunzipSync(await readFile('cifar-10-binary.tar.gz')));
 */
export function readTar(bytes: Uint8Array, options: { file?: string } = {}): TarEntry[] {
  const file = options.file ?? '<bytes>';
  const entries: TarEntry[] = [];
  let pos = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  const text = (header: Uint8Array, at: number, length: number) => {
    const field = header.subarray(at, at + length);
    const end = field.indexOf(0);
    return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
  };
  while (pos + BLOCK <= bytes.length) {
    const header = bytes.subarray(pos, pos + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const fail = (detail: string): never => {
      throw new DataFormatError(`tar: ${detail}`, { file, offset: pos });
    };
    const stored = parseOctal(header.subarray(148, 156));
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (stored === null || stored !== sum)
      fail(`header checksum mismatch (stored ${String(stored)}, computed ${sum})`);
    const size = parseSize(header.subarray(124, 136));
    if (size === null) fail('malformed size field');
    const dataStart = pos + BLOCK;
    if (size! > bytes.length - dataStart) {
      fail(
        `member of ${size} bytes runs past the end of the archive (${bytes.length - dataStart} bytes left)`,
      );
    }
    const data = bytes.subarray(dataStart, dataStart + size!);
    const flag = String.fromCharCode(header[156]!);
    const magic = text(header, 257, 6);
    let name = text(header, 0, 100);
    if (magic.startsWith('ustar')) {
      // POSIX ustar has a 155-byte name prefix at 345; GNU ("ustar  ") keeps times there instead.
      const prefix = magic === 'ustar' ? text(header, 345, 155) : '';
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    if (flag === 'L') {
      longName = new TextDecoder().decode(data).replace(/\0+$/, '');
    } else if (flag === 'x') {
      paxPath = parsePaxPath(data) ?? paxPath;
    } else if (flag === 'g') {
      // global pax header: nothing we need
    } else {
      if (longName !== null) name = longName;
      if (paxPath !== null) name = paxPath;
      longName = null;
      paxPath = null;
      const type =
        flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : 'other';
      entries.push({ name, type, data: type === 'file' ? data : new Uint8Array(0), offset: pos });
    }
    pos = dataStart + Math.ceil(size! / BLOCK) * BLOCK;
  }
  if (pos + BLOCK > bytes.length && pos < bytes.length && !bytes.subarray(pos).every((b) => b === 0)) {
    throw new DataFormatError(`tar: truncated header (${bytes.length - pos} bytes)`, { file, offset: pos });
  }
  return entries;
}

function parseOctal(field: Uint8Array): number | null {
  let value = 0;
  let digits = 0;
  for (const b of field) {
    if (b === 0 || b === 0x20) {
      if (digits > 0) break;
      continue;
    }
    if (b < 0x30 || b > 0x37) return null;
    value = value * 8 + (b - 0x30);
    digits++;
  }
  return digits > 0 ? value : null;
}

// Sizes are octal, or GNU base-256 (high bit of the first byte set) for members ≥ 8 GiB.
function parseSize(field: Uint8Array): number | null {
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return Number.isSafeInteger(value) ? value : null;
  }
  const v = parseOctal(field);
  return v === null && field.every((b) => b === 0 || b === 0x20) ? 0 : v;
}

// pax records: "<len> <key>=<value>\n".
function parsePaxPath(data: Uint8Array): string | null {
  const text = new TextDecoder().decode(data);
  for (const line of text.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1]!;
  }
  return null;
}
