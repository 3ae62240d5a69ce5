import { DataFormatError } from '../errors/data-format-error';
import { parseDecimal } from '../io/decimal-number';

/** One line of an im2rec `.lst` file. */
export interface ImageListEntry {
  /** Record index (the `.idx` key). */
  index: number;
  /** One or more labels. */
  labels: number[];
  /** Image path relative to the image root. */
  path: string;
}

/**
 * Parses an im2rec `.lst` file: `index<TAB>label[<TAB>label…]<TAB>relative/path` per line (MXNet `tools/im2rec.py`).
 *
 * @param text - file content.
 * @param file - name for error messages. Default `'<lst>'`.
 * @example
 * ```ts
 * parseImageList('0\t0\tman/man_1.jpg\n'); // [{ index: 0, labels: [0], path: 'man/man_1.jpg' }]
 * ```
 */
export function parseImageList(text: string, file = '<lst>'): ImageListEntry[] {
  const out: ImageListEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const fields = line.split('\t');
    const fail = (why: string): never => {
      throw new DataFormatError(`${why} in ${JSON.stringify(line)}; expected "index<TAB>label…<TAB>path"`, {
        file,
        line: i + 1,
      });
    };
    if (fields.length < 3) fail('fewer than 3 tab-separated fields');
    const index = Number(fields[0]);
    if (!/^\d+$/.test(fields[0]!.trim()) || !Number.isSafeInteger(index)) fail(`bad index "${fields[0]}"`);
    const labels = fields.slice(1, -1).map((f) => {
      const value = parseDecimal(f.trim());
      if (value === undefined) fail(`bad label "${f}"`);
      return value!;
    });
    const path = fields[fields.length - 1]!;
    if (path === '') fail('empty path');
    out.push({ index, labels, path });
  });
  return out;
}

/** Formats im2rec `.lst` text; labels are written as floats (`3.000000`) as im2rec does. */
export function formatImageList(entries: readonly ImageListEntry[]): string {
  return entries
    .map(({ index, labels, path }) => `${index}\t${labels.map((l) => l.toFixed(6)).join('\t')}\t${path}\n`)
    .join('');
}
