import { DataFormatError } from '../errors/data-format-error';
import { parseDecimal } from '../io/decimal-number';
import { MemoryBudget, memoryBudgetFor, TYPED_ARRAY_OVERHEAD } from '../limits/memory-budget';

import { normalizeLabel, type TimeSeriesSplit } from './time-series-split';

/** The header of a sktime/aeon `.ts` file (tags are case-insensitive in the file). */
export interface TsHeader {
  /** `@problemName`. */
  problemName?: string;
  /** `@timeStamps` (files with `true` are rejected). */
  timeStamps?: boolean;
  /** `@missing`: whether `?` values may occur. */
  missing?: boolean;
  /** `@univariate`. */
  univariate?: boolean;
  /** `@dimensions` (multivariate files). */
  dimensions?: number;
  /** `@equalLength`. */
  equalLength?: boolean;
  /** `@seriesLength` (equal-length files). */
  seriesLength?: number;
  /** `@classLabel true …`: the declared class labels, in file order; `null` for `@classLabel false`. */
  classLabels?: string[] | null;
  /** `@targetLabel true` (regression problems: the last field is a number). */
  targetLabel?: boolean;
}

/** A parsed `.ts` file: header plus series and labels (class labels or regression targets as text). */
export interface TsFile extends TimeSeriesSplit {
  /** The header tags that were present. */
  header: TsHeader;
}

const BOOLEAN_TAGS = {
  timestamps: 'timeStamps',
  missing: 'missing',
  univariate: 'univariate',
  equallength: 'equalLength',
  targetlabel: 'targetLabel',
} as const;

/**
 * Parses the sktime / aeon `.ts` text format: `#` (and ARFF-style `%`) comments, header tags `@problemName`, `@timeStamps`,
 * `@missing`, `@univariate`, `@dimensions`, `@equalLength`, `@seriesLength`, `@classLabel`, `@targetLabel`, then
 * `@data` with one case per line, dimensions separated by `:`, values by `,`, the label after the last `:`,
 * `?` for missing values and unequal lengths allowed. Follows aeon's `load_from_ts_file` (aeon-toolkit/aeon).
 * Labels are checked against `@classLabel`; dimension counts and `@seriesLength` are checked per line.
 * Time-stamped files (`@timeStamps true`) are rejected.
 *
 * @param text - file content.
 * @param options - `file`: name for errors (default `'<text>'`); `maxMemoryBytes`: budget for the parsed series
 *   and labels, default `8 · text.length + 64 MiB` (a file that needs more is refused with a `DataLimitError`).
 * @returns header, `series[case][dimension]` and labels.
 * @throws DataFormatError naming the line (and, for values, the character column) of an unknown or malformed
 *   tag, a missing `@data`, a wrong dimension count, a value that is not a decimal number (`0x10` is not) or an
 *   undeclared label.
 *
 * @example
 * const { header, series, labels } = parseTs(await readFile('BasicMotions_TRAIN.ts', 'utf8'));
 * header.dimensions; // 6
 */
export function parseTs(text: string, options: { file?: string; maxMemoryBytes?: number } = {}): TsFile {
  for (const key of Object.keys(options)) {
    if (key !== 'file' && key !== 'maxMemoryBytes') throw new TypeError(`parseTs: unknown option "${key}"`);
  }
  const file = options.file ?? '<text>';
  const budget = new MemoryBudget(
    memoryBudgetFor(text.length, options.maxMemoryBytes),
    'parsed series and labels',
    file,
  );
  const header: TsHeader = {};
  const lines = text.split(/\r?\n/);
  let i = 0;
  let sawData = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('%')) continue;
    const fail = (detail: string): never => {
      throw new DataFormatError(detail, { file, line: i + 1 });
    };
    if (!line.startsWith('@')) fail(`expected a header tag or @data, found "${line.slice(0, 40)}"`);
    const [rawTag, ...rest] = line.split(/\s+/);
    const tag = rawTag!.slice(1).toLowerCase();
    const bool = (): boolean => {
      const v = rest[0]?.toLowerCase();
      if (v !== 'true' && v !== 'false')
        fail(`@${rawTag!.slice(1)} expects true or false, got "${rest[0] ?? ''}"`);
      return v === 'true';
    };
    const positive = (): number => {
      const v = /^\d+$/.test(rest[0] ?? '') ? Number(rest[0]) : NaN;
      if (!Number.isSafeInteger(v) || v <= 0)
        fail(`@${rawTag!.slice(1)} expects a positive integer, got "${rest[0] ?? ''}"`);
      return v;
    };
    if (tag === 'data') {
      sawData = true;
      i++;
      break;
    } else if (tag === 'problemname') {
      header.problemName = rest.join(' ');
    } else if (tag in BOOLEAN_TAGS) {
      header[BOOLEAN_TAGS[tag as keyof typeof BOOLEAN_TAGS]] = bool();
    } else if (tag === 'dimensions') {
      header.dimensions = positive();
    } else if (tag === 'serieslength') {
      header.seriesLength = positive();
    } else if (tag === 'classlabel') {
      const has = bool();
      if (has && rest.length < 2) fail('@classLabel true must list the class labels');
      header.classLabels = has ? rest.slice(1).map(normalizeLabel) : null;
    } else {
      fail(`unknown header tag ${rawTag}`);
    }
  }
  if (!sawData) throw new DataFormatError('no @data line', { file, line: lines.length });
  if (header.timeStamps === true) {
    throw new DataFormatError('@timeStamps true files are not supported', { file });
  }
  const hasLabel =
    (header.classLabels !== undefined && header.classLabels !== null) || header.targetLabel === true;
  const declared = header.classLabels ? new Set(header.classLabels) : null;
  const expectedDims = header.dimensions ?? (header.univariate === true ? 1 : undefined);
  const series: Float64Array[][] = [];
  const labels: string[] = [];
  let dims: number | undefined = expectedDims;
  for (; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineText = raw.trim();
    if (lineText === '' || lineText.startsWith('#') || lineText.startsWith('%')) continue;
    const line = i + 1;
    const lead = raw.length - raw.trimStart().length;
    const parts = lineText.split(':');
    let label = '';
    if (hasLabel) {
      label = normalizeLabel(parts.pop()!);
      if (label === '') throw new DataFormatError('missing label after the last ":"', { file, line });
      if (declared && !declared.has(label)) {
        throw new DataFormatError(`label "${label}" is not declared in @classLabel`, { file, line });
      }
      if (header.targetLabel === true && parseDecimal(label) === undefined) {
        throw new DataFormatError(`regression target "${label}" is not a number`, { file, line });
      }
    }
    if (dims === undefined) dims = parts.length;
    if (parts.length !== dims) {
      throw new DataFormatError(`${parts.length} dimensions, expected ${dims}`, { file, line });
    }
    budget.charge(TYPED_ARRAY_OVERHEAD + 64 + 2 * label.length);
    let partStart = lead;
    const caseSeries = parts.map((part, d) => {
      const tokens = part.split(',');
      if (tokens.length > 0 && tokens[tokens.length - 1]!.trim() === '' && tokens.length > 1) tokens.pop();
      budget.charge(TYPED_ARRAY_OVERHEAD + 8 * tokens.length);
      const values = new Float64Array(tokens.length);
      let tokenStart = partStart;
      tokens.forEach((token, t) => {
        const s = token.trim();
        const column = tokenStart + (token.length - token.trimStart().length) + 1;
        tokenStart += token.length + 1;
        if (s === '?' || s.toLowerCase() === 'nan' || s === '') {
          values[t] = NaN;
          return;
        }
        const v = parseDecimal(s);
        if (v === undefined) {
          // The column goes in the text, after the dimension and value that name the field in .ts terms.
          throw new DataFormatError(
            `dimension ${d + 1}, value ${t + 1}: not a number: "${s.slice(0, 40)}" at column ${column} (decimal notation expected)`,
            { file, line },
          );
        }
        values[t] = v;
      });
      partStart += part.length + 1;
      if (
        header.equalLength === true &&
        header.seriesLength !== undefined &&
        values.length !== header.seriesLength
      ) {
        throw new DataFormatError(
          `dimension ${d + 1} has ${values.length} values, @seriesLength is ${header.seriesLength}`,
          { file, line },
        );
      }
      return values;
    });
    series.push(caseSeries);
    labels.push(label);
  }
  return { header, series, labels };
}
