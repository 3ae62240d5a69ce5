/** Labels mapped to `0 … K − 1`. */
export interface EncodedLabels {
  /** Class names in code order: `classes[code]` is the original label. */
  classes: string[];
  /** One code per input list, in the same order as the inputs. */
  codes: Int32Array[];
}

const isNumeric = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

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
 * @throws RangeError for non-integer labels.
 */
export function kdctimeLabelCodes(labels: readonly string[]): Int32Array {
  const values = labels.map(Number);
  for (const [i, v] of values.entries()) {
    if (!Number.isInteger(v))
      throw new RangeError(`kdctimeLabelCodes: label ${i} ("${labels[i]}") is not an integer`);
  }
  const min = Math.min(...values);
  return Int32Array.from(values, (v) => (v < 0 ? 0 : min > 0 ? v - min : v));
}
