/** Labels mapped to `0 … K − 1`. */
export interface EncodedLabels {
  /** Class names in code order: `classes[code]` is the original label. */
  classes: string[];
  /** One code per input list, in the same order as the inputs. */
  codes: Int32Array[];
}

import { parseDecimal } from '../io/decimal-number';

const isNumeric = (s: string) => parseDecimal(s.trim()) !== undefined;

const INT32_MAX = 2 ** 31 - 1;

/**
 * Fits one label encoder on the union of several label lists (train ∪ test, InceptionTime's practice and
 * scikit-learn `LabelEncoder` semantics): unique labels sorted numerically when all are numbers, otherwise by
 * code unit, mapped to `0 … K − 1`.
 *
 * @param lists - label lists (e.g. `[train.labels, test.labels]`).
 * @returns the class list and one `Int32Array` of codes per input list.
 *
 * @example
 * encodeLabels([['-1', '1', '1'], ['1', '-1']]); // classes ['-1', '1'], codes [[0, 1, 1], [1, 0]]
 */
export function encodeLabels(lists: readonly (readonly string[])[]): EncodedLabels {
  const unique = [...new Set(lists.flat())];
  const numeric = unique.every(isNumeric);
  const classes = numeric
    ? unique.sort((a, b) => Number(a) - Number(b))
    : unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(classes.map((c, i) => [c, i]));
  return { classes, codes: lists.map((l) => Int32Array.from(l, (label) => index.get(label)!)) };
}

/**
 * KDCTime's own label rule, for parity runs only (amoonfana/Knowledge_Distillation `DL/DataReader.py`): per file,
 * numeric labels minus their minimum when the minimum is positive, and negative labels set to 0. It treats train
 * and test separately and breaks on gaps, so prefer {@link encodeLabels}.
 *
 * @param labels - numeric labels of one file.
 * @returns integer codes.
 * @throws RangeError for labels that are not decimal integers, or codes outside 0 … 2^31 − 1 (an `Int32Array`
 *   would wrap them silently).
 */
export function kdctimeLabelCodes(labels: readonly string[]): Int32Array {
  const values = new Float64Array(labels.length);
  // A loop, not Math.min(...values): spreading 300k arguments overflows the call stack.
  let min = Infinity;
  labels.forEach((label, i) => {
    const v = parseDecimal(label.trim());
    if (v === undefined || !Number.isSafeInteger(v))
      throw new RangeError(`kdctimeLabelCodes: label ${i} ("${label.slice(0, 40)}") is not an integer`);
    values[i] = v;
    if (v < min) min = v;
  });
  const codes = new Int32Array(labels.length);
  values.forEach((v, i) => {
    const code = v < 0 ? 0 : min > 0 ? v - min : v;
    if (code > INT32_MAX) {
      throw new RangeError(
        `kdctimeLabelCodes: label ${i} ("${labels[i]}") gives code ${code}, outside 0 … ${INT32_MAX}`,
      );
    }
    codes[i] = code;
  });
  return codes;
}
