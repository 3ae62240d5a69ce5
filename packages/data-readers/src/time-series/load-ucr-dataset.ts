import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFormatError } from '../errors/data-format-error';
import { MemoryBudget, memoryBudgetFor } from '../limits/memory-budget';
import { encodeLabels, kdctimeLabelCodes } from './encode-labels';
import { parseTs, type TsHeader } from './parse-ts';
import { parseUcrText, type ParseUcrTextOptions } from './parse-ucr-text';
import type { TimeSeriesSplit } from './time-series-split';

/** One split of a UCR/UEA dataset with encoded labels. */
export interface LabelledSeries extends TimeSeriesSplit {
  /** Label codes `0 … K − 1` (indices into {@link UcrDataset.classes}). */
  codes: Int32Array;
}

/** A UCR/UEA dataset: both splits, labels encoded on train ∪ test. */
export interface UcrDataset {
  /** Dataset name. */
  name: string;
  /** Which file layout was read. */
  format: UcrFileFormat;
  /** Training split. */
  train: LabelledSeries;
  /** Test split. */
  test: LabelledSeries;
  /** Class labels in code order. */
  classes: string[];
  /** `.ts` header of the training file (only for the `.ts` format). */
  header?: TsHeader;
}

/** File layouts: `<name>_TRAIN.tsv` (UCR 2018), `.ts` (sktime/aeon), `.txt` (whitespace), no extension (UCR 2015, comma). */
export type UcrFileFormat = 'tsv' | 'ts' | 'txt' | 'csv';

/** Options of {@link loadUcrDataset}. */
export interface LoadUcrDatasetOptions {
  /** Layout to read; `'auto'` tries `tsv`, `ts`, `txt`, then the extension-less UCR 2015 file. Default `'auto'`. */
  format?: UcrFileFormat | 'auto';
  /** See {@link ParseUcrTextOptions.trailingNaN}. Default `'length'`. */
  trailingNaN?: ParseUcrTextOptions['trailingNaN'];
  /**
   * `'union'`: one encoder over train ∪ test labels, sorted (InceptionTime, scikit-learn). `'kdctime'`: KDCTime's
   * per-file rule, for parity runs ({@link kdctimeLabelCodes}; `classes` then lists the codes). Default `'union'`.
   */
  labelEncoding?: 'union' | 'kdctime';
}

/** Estimated bytes of one class-list entry (a short string and its array slot). */
const CLASS_ENTRY_BYTES = 40;

/** {@link kdctimeLabelCodes} with its range errors turned into a DataFormatError naming the file. */
function kdctimeCodes(labels: readonly string[], file: string): Int32Array {
  try {
    return kdctimeLabelCodes(labels);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new DataFormatError(error.message.replace(/^kdctimeLabelCodes: /, ''), { file }, { cause: error });
  }
}

const SUFFIX: Record<UcrFileFormat, string> = { tsv: '.tsv', ts: '.ts', txt: '.txt', csv: '' };

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Loads a UCR/UEA dataset from `dir/<name>/<name>_TRAIN.<ext>` and `_TEST.<ext>` (also accepts the files
 * directly in `dir`), in the UCR 2018 TSV, `.ts`, whitespace `.txt` or UCR 2015 comma layout, and encodes labels
 * on the union of train and test labels. Series keep their own lengths and `NaN` missing values; use
 * {@link prepareSeries} to choose padding, truncation, interpolation or z-normalisation. Node only.
 *
 * @param dir - folder holding the dataset folders (e.g. `UCRArchive_2018`).
 * @param name - dataset name, e.g. `'GunPoint'`.
 * @param options - `format` (default `'auto'`), `trailingNaN` (default `'length'`), `labelEncoding` (default `'union'`).
 * @returns train and test series, integer label codes and the class list.
 * @throws Error naming the paths tried when no layout is found; DataFormatError for malformed files.
 *
 * @example
 * const gunPoint = await loadUcrDataset('UCRArchive_2018', 'GunPoint');
 * gunPoint.classes; // ['1', '2']
 * const x = seriesToTensor(prepareSeries(gunPoint.train)); // [50, 150, 1]
 */
export async function loadUcrDataset(
  dir: string,
  name: string,
  options: LoadUcrDatasetOptions = {},
): Promise<UcrDataset> {
  for (const key of Object.keys(options)) {
    if (!['format', 'trailingNaN', 'labelEncoding'].includes(key))
      throw new TypeError(`loadUcrDataset: unknown option "${key}"`);
  }
  const formats: UcrFileFormat[] =
    options.format === undefined || options.format === 'auto'
      ? ['tsv', 'ts', 'txt', 'csv']
      : [options.format];
  const tried: string[] = [];
  for (const format of formats) {
    for (const folder of [join(dir, name), dir]) {
      const trainPath = join(folder, `${name}_TRAIN${SUFFIX[format]}`);
      const testPath = join(folder, `${name}_TEST${SUFFIX[format]}`);
      tried.push(trainPath);
      if (!(await exists(trainPath)) || !(await exists(testPath))) continue;
      const [trainText, testText] = await Promise.all([
        readFile(trainPath, 'utf8'),
        readFile(testPath, 'utf8'),
      ]);
      let header: TsHeader | undefined;
      let train: TimeSeriesSplit;
      let test: TimeSeriesSplit;
      if (format === 'ts') {
        const parsedTrain = parseTs(trainText, { file: trainPath });
        header = parsedTrain.header;
        train = parsedTrain;
        test = parseTs(testText, { file: testPath });
      } else {
        const textOptions: ParseUcrTextOptions = {
          delimiter: format === 'tsv' ? 'tab' : format === 'csv' ? 'comma' : 'whitespace',
          trailingNaN: options.trailingNaN ?? 'length',
        };
        train = parseUcrText(trainText, { ...textOptions, file: trainPath });
        test = parseUcrText(testText, { ...textOptions, file: testPath });
      }
      let classes: string[];
      let codes: Int32Array[];
      if (options.labelEncoding === 'kdctime') {
        codes = [kdctimeCodes(train.labels, trainPath), kdctimeCodes(test.labels, testPath)];
        let max = 0;
        for (const list of codes) for (const code of list) if (code > max) max = code;
        // Gaps give classes nobody uses; a label of 10000001 must not build a 10M-entry list from a 15-byte file.
        new MemoryBudget(
          memoryBudgetFor(trainText.length + testText.length, undefined),
          'KDCTime class list (one entry per code up to the largest)',
          trainPath,
        ).charge(CLASS_ENTRY_BYTES * (max + 1));
        classes = Array.from({ length: max + 1 }, (_, i) => String(i));
      } else {
        ({ classes, codes } = encodeLabels([train.labels, test.labels]));
      }
      return {
        name,
        format,
        train: { series: train.series, labels: train.labels, codes: codes[0]! },
        test: { series: test.series, labels: test.labels, codes: codes[1]! },
        classes,
        ...(header ? { header } : {}),
      };
    }
  }
  throw new Error(`loadUcrDataset: no ${name} train/test files found; tried ${tried.join(', ')}`);
}

/**
 * Reads and parses one sktime/aeon `.ts` file (see {@link parseTs}). Node only.
 *
 * @param path - file path.
 * @returns header, series and labels.
 *
 * @example
 * const { header, series } = await readTsFile('JapaneseVowels_TRAIN.ts'); // 12 dimensions, lengths 7–29
 */
export async function readTsFile(path: string) {
  return parseTs(await readFile(path, 'utf8'), { file: path });
}
