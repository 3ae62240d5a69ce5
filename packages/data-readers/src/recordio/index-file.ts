import { DataFormatError } from '../errors/data-format-error';

/** One `.idx` line: record key and the byte offset of the record's first part in the `.rec`. */
export interface RecordIOIndexEntry {
  key: number;
  offset: number;
}

const INTEGER = /^-?\d+$/;

/**
 * Parses an MXNet `.idx` file (`key<TAB>offset` per line, as written by `MXIndexedRecordIO`). Keys and offsets
 * must be non-negative integers; duplicate keys are rejected; empty lines (such as the final newline) are skipped.
 *
 * @param text - the file content.
 * @param options.file - name for error messages. Default `'<idx>'`.
 * @param options.recSize - when given, every offset must be below it (an offset past the end of the `.rec` is a
 *   {@link DataFormatError} naming the line).
 * @returns entries in file order.
 * @example
 * ```ts
 * parseRecordIOIndex('0\t0\n1\t5500\n'); // [{ key: 0, offset: 0 }, { key: 1, offset: 5500 }]
 * ```
 */
export function parseRecordIOIndex(
  text: string,
  options: { file?: string; recSize?: number } = {},
): RecordIOIndexEntry[] {
  const file = options.file ?? '<idx>';
  const entries: RecordIOIndexEntry[] = [];
  const seen = new Set<number>();
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const fields = line.trim().split(/\s+/);
    const [keyText, offsetText] = fields;
    if (fields.length !== 2 || !INTEGER.test(keyText!) || !INTEGER.test(offsetText!)) {
      throw new DataFormatError(`malformed index line ${JSON.stringify(line)}, expected "key<TAB>offset"`, {
        file,
        line: i + 1,
      });
    }
    const key = Number(keyText);
    const offset = Number(offsetText);
    if (!Number.isSafeInteger(key) || key < 0 || !Number.isSafeInteger(offset) || offset < 0) {
      throw new DataFormatError(`key ${keyText} / offset ${offsetText} out of range`, { file, line: i + 1 });
    }
    if (options.recSize !== undefined && offset >= options.recSize) {
      throw new DataFormatError(
        `offset ${offset} for key ${key} is past the end of the record file (${options.recSize} bytes)`,
        { file, line: i + 1 },
      );
    }
    if (seen.has(key)) throw new DataFormatError(`duplicate key ${key}`, { file, line: i + 1 });
    seen.add(key);
    entries.push({ key, offset });
  });
  return entries;
}

/**
 * Formats `.idx` text in MXNet's layout (`key\toffset\n` per entry).
 *
 * @param entries - entries in the order to write.
 */
export function formatRecordIOIndex(entries: readonly RecordIOIndexEntry[]): string {
  return entries.map(({ key, offset }) => `${key}\t${offset}\n`).join('');
}
