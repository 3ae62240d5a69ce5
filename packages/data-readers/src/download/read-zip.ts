import { inflateSync } from 'fflate';

import { DataFormatError, DataLimitError } from '../errors/data-format-error';
import { memoryBudgetFor } from '../limits/memory-budget';
import { ZipArchive } from '../torch-checkpoint/zip-archive';

/** One file of a zip archive, decompressed. */
export interface ZipFileEntry {
  /** Path inside the archive. */
  name: string;
  /** Decompressed content. */
  data: Uint8Array;
}

// Deflate cannot expand data by more than about 1032:1; a larger claimed ratio is a corrupt or hostile header.
const MAX_DEFLATE_RATIO = 1032;

/**
 * Reads every file of a zip archive (the UCR/UEA per-dataset archives), stored or deflated. The central directory is
 * parsed by the package's bounds-checked `ZipArchive`; deflated data is inflated into a buffer of the declared size,
 * after checking that size against `maxBytes` and the deflate expansion limit, and a size mismatch is an error.
 * The declared sizes of all entries together are checked against `maxTotalBytes` before anything is inflated.
 *
 * @param bytes - the zip file.
 * @param options - `file` (name for errors), `maxBytes` per entry (default 2³¹ − 1), `maxTotalBytes` for all
 *   entries together (default `8 · bytes.byteLength + 64 MiB`).
 * @returns the file entries (directories omitted).
 * @throws DataFormatError naming the entry and offset for malformed archives.
 */
export function readZip(
  bytes: Uint8Array,
  options: { file?: string; maxBytes?: number; maxTotalBytes?: number } = {},
): ZipFileEntry[] {
  const file = options.file ?? '<bytes>';
  const maxBytes = options.maxBytes ?? 2 ** 31 - 1;
  const maxTotalBytes = memoryBudgetFor(bytes.byteLength, options.maxTotalBytes, undefined, 'maxTotalBytes');
  const archive = new ZipArchive(bytes, file);
  let total = 0;
  for (const entry of archive.entries.values()) {
    total += entry.size;
    if (total > maxTotalBytes) {
      throw new DataLimitError(
        'zip entries, declared sizes added up',
        total,
        maxTotalBytes,
        'maxTotalBytes',
        {
          file,
          offset: entry.localHeaderOffset,
        },
      );
    }
  }
  const out: ZipFileEntry[] = [];
  for (const entry of archive.entries.values()) {
    if (entry.name.endsWith('/')) continue;
    const at = { file, offset: entry.localHeaderOffset };
    if (entry.method === 0) {
      out.push({ name: entry.name, data: archive.read(entry.name) });
      continue;
    }
    if (entry.method !== 8)
      throw new DataFormatError(
        `zip entry "${entry.name}": compression method ${entry.method} not supported`,
        at,
      );
    if (entry.size > maxBytes)
      throw new DataFormatError(
        `zip entry "${entry.name}": ${entry.size} bytes exceeds maxBytes ${maxBytes}`,
        at,
      );
    if (entry.size > (entry.compressedSize + 1) * MAX_DEFLATE_RATIO) {
      throw new DataFormatError(
        `zip entry "${entry.name}": declared size ${entry.size} impossible for ${entry.compressedSize} deflated bytes`,
        at,
      );
    }
    const compressed = compressedData(bytes, entry.localHeaderOffset, entry.compressedSize, entry.name, file);
    let data: Uint8Array;
    try {
      data = inflateSync(compressed, { out: new Uint8Array(entry.size) });
    } catch (error) {
      throw new DataFormatError(`zip entry "${entry.name}": ${(error as Error).message}`, at, {
        cause: error,
      });
    }
    if (data.length !== entry.size) {
      throw new DataFormatError(
        `zip entry "${entry.name}": inflated to ${data.length} bytes, header says ${entry.size}`,
        at,
      );
    }
    out.push({ name: entry.name, data });
  }
  return out;
}

function compressedData(
  bytes: Uint8Array,
  local: number,
  size: number,
  name: string,
  file: string,
): Uint8Array {
  if (
    local + 30 > bytes.length ||
    bytes[local] !== 0x50 ||
    bytes[local + 1] !== 0x4b ||
    bytes[local + 2] !== 3 ||
    bytes[local + 3] !== 4
  ) {
    throw new DataFormatError(`zip entry "${name}": bad local header`, { file, offset: local });
  }
  const nameLength = bytes[local + 26]! | (bytes[local + 27]! << 8);
  const extraLength = bytes[local + 28]! | (bytes[local + 29]! << 8);
  const start = local + 30 + nameLength + extraLength;
  if (start + size > bytes.length) {
    throw new DataFormatError(`zip entry "${name}": ${size} compressed bytes run past the end`, {
      file,
      offset: local,
    });
  }
  return bytes.subarray(start, start + size);
}
