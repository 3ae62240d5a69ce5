import { DataFormatError } from '../errors/data-format-error';
import { parseDecimal } from '../io/decimal-number';
import { MemoryBudget, memoryBudgetFor, TYPED_ARRAY_OVERHEAD } from '../limits/memory-budget';

import { normalizeLabel, type TimeSeriesSplit } from './time-series-split';

/** Column separators of the UCR text layouts. */
export type UcrDelimiter = 'tab' | 'comma' | 'whitespace' | 'auto';

/** Options of {@link parseUcrText}. */
export interface ParseUcrTextOptions {
  /** File name for error messages. Default `'<text>'`. */
  file?: string;
  /**
   * `'tab'` (UCR 2018 `.tsv`), `'comma'` (UCR 2015, no extension), `'whitespace'` (timeseriesclassification.com
   * `.txt`) or `'auto'` (tab if the first line has a tab, else comma if it has a comma, else whitespace).
   * Default `'auto'`.
   */
  delimiter?: UcrDelimiter;
  /**
   * What a run of `NaN` at the end of a row means: `'length'` (UCR pads variable-length series with `NaN` to the
   * longest one, so the run is cut off and the series is shorter) or `'missing'` (keep them as missing values).
   * Default `'length'`.
   */
  trailingNaN?: 'length' | 'missing';
  /**
   * Budget in bytes for the parsed series and labels (a typed array per case plus 8 bytes per value); a file
   * that needs more is refused with a `DataLimitError`. Default `8 · text.length + 64 MiB`.
   */
  maxMemoryBytes?: number;
}

/** Characters a case costs beyond its values: two typed-array objects and the label string. */
const CASE_BYTES = 2 * TYPED_ARRAY_OVERHEAD + 64;

/** Trimmed fields of a row. */
function splitFields(line: string, delimiter: 'tab' | 'comma' | 'whitespace'): string[] {
  if (delimiter === 'whitespace') return line.trim().split(/\s+/);
  return line.split(delimiter === 'tab' ? '\t' : ',').map((field) => field.trim());
}

const MISSING_TOKENS = new Set(['nan', 'NaN', 'NAN', '?']);

/**
 * Parses the UCR univariate text layouts — one case per line, the label in the first column, then the values —
 * into per-case series. `NaN` and `?` are missing values; a trailing run of them is the padding of a shorter
 * series by default (UCR 2018: "variable length … padded with NaN"). Blank lines are skipped.
 * Follows the UCR Time Series Archive 2018 (Dau et al. 2019) and the 2015 / timeseriesclassification.com layouts.
 *
 * @param text - the file content.
 * @param options - `file`, `delimiter` (default `'auto'`), `trailingNaN` (default `'length'`), `maxMemoryBytes`
 *   (default `8 · text.length + 64 MiB`).
 * @returns univariate series (`series[i][0]`) and raw labels.
 * @throws DataFormatError naming the line and column of a malformed value, a missing label or an empty row.
 *
 * @example
 * const train = parseUcrText(await readFile('GunPoint_TRAIN.tsv', 'utf8'), { file: 'GunPoint_TRAIN.tsv' });
 */
export function parseUcrText(text: string, options: ParseUcrTextOptions = {}): TimeSeriesSplit {
  for (const key of Object.keys(options)) {
    if (!['file', 'delimiter', 'trailingNaN', 'maxMemoryBytes'].includes(key))
      throw new TypeError(`parseUcrText: unknown option "${key}"`);
  }
  const file = options.file ?? '<text>';
  const trailingNaN = options.trailingNaN ?? 'length';
  let delimiter = options.delimiter ?? 'auto';
  const budget = new MemoryBudget(
    memoryBudgetFor(text.length, options.maxMemoryBytes),
    'parsed series and labels',
    file,
  );
  const lines = text.split(/\r?\n/);
  if (delimiter === 'auto') {
    const first = lines.find((l) => l.trim() !== '') ?? '';
    delimiter = first.includes('\t') ? 'tab' : first.includes(',') ? 'comma' : 'whitespace';
  }
  const series: Float64Array[][] = [];
  const labels: string[] = [];
  lines.forEach((raw, index) => {
    const lineText = raw.replace(/[\r\n]+$/, '');
    if (lineText.trim() === '') return;
    const line = index + 1;
    const tokens = splitFields(lineText, delimiter);
    // A trailing delimiter (e.g. "1\t2\t") leaves one empty token.
    if (tokens.length > 1 && tokens[tokens.length - 1] === '') tokens.pop();
    const label = normalizeLabel(tokens[0]!);
    if (label === '' || MISSING_TOKENS.has(label)) {
      throw new DataFormatError(`missing class label`, { file, line, column: 1 });
    }
    budget.charge(CASE_BYTES + 8 * tokens.length + 2 * label.length);
    const values = new Float64Array(tokens.length - 1);
    for (let j = 1; j < tokens.length; j++) {
      const token = tokens[j]!;
      if (MISSING_TOKENS.has(token) || token === '') {
        values[j - 1] = NaN;
        continue;
      }
      const v = parseDecimal(token);
      if (v === undefined) {
        throw new DataFormatError(`not a number: "${token.slice(0, 40)}" (decimal notation expected)`, {
          file,
          line,
          column: j + 1,
        });
      }
      values[j - 1] = v;
    }
    let length = values.length;
    if (trailingNaN === 'length') while (length > 0 && Number.isNaN(values[length - 1]!)) length--;
    if (length === 0) throw new DataFormatError('row has a label but no values', { file, line });
    series.push([length === values.length ? values : values.slice(0, length)]);
    labels.push(label);
  });
  return { series, labels };
}
