import { FrxError, frxErrorBrand } from '@frx/tensor-utils';

import type { TimeSeriesSplit } from './time-series-split';

/** Options of {@link prepareSeries}. Every choice that changes values is opt-in. */
export interface PrepareSeriesOptions {
  /**
   * Unequal lengths: `'error'` (throw, naming the shortest and longest case), `'pad'` (append `padValue` up to
   * `length`), `'truncate'` (cut to `length`), `'resample'` (linear interpolation of every series onto `length`
   * evenly spaced points). Default `'error'`.
   */
  lengthPolicy?: 'error' | 'pad' | 'truncate' | 'resample';
  /** Target length. Default: the longest series for `'pad'` and `'resample'`, the shortest for `'truncate'`. */
  length?: number;
  /** Value appended by `'pad'`. Default 0. */
  padValue?: number;
  /**
   * Missing values (`NaN`): `'error'` (throw, naming the first case), `'interpolate'` (linear between the nearest
   * valid neighbours; leading/trailing runs take the nearest valid value) or `'keep'` (leave `NaN`).
   * Default `'error'`.
   */
  missing?: 'error' | 'interpolate' | 'keep';
  /**
   * Per-series z-normalisation, per dimension: `(x − mean) / std` over the valid values of each series (before
   * padding; a constant series becomes zeros). Default false (KDCTime trains on raw UCR values).
   */
  zNormalize?: boolean;
}

/** Equal-length float32 series ready for a `[cases, length, dimensions]` tensor. */
export interface DenseSeries {
  /** `cases · length · dimensions` values in NLC order (channels last). */
  values: Float32Array;
  /** `[cases, length, dimensions]`. */
  shape: [number, number, number];
  /** Length of each case before padding/truncation/resampling (max over dimensions). */
  originalLengths: Int32Array;
}

/** Thrown by {@link prepareSeries} when data needs a policy the caller did not choose. */
export class TimeSeriesPolicyError extends FrxError {
  static override readonly brand: symbol = frxErrorBrand('TimeSeriesPolicyError');
  override readonly name: string = 'TimeSeriesPolicyError';
}

const ALLOWED = ['lengthPolicy', 'length', 'padValue', 'missing', 'zNormalize'];

/**
 * Turns parsed series into one dense NLC array, applying only the policies asked for: missing values and
 * unequal lengths are reported as errors unless `missing` / `lengthPolicy` say what to do. Order of operations
 * per series: interpolate missing values, z-normalise, then pad / truncate / resample.
 *
 * @param split - parsed series (`series[case][dimension]`).
 * @param options - `lengthPolicy` (default `'error'`), `length`, `padValue` (default 0), `missing` (default
 *   `'error'`), `zNormalize` (default false).
 * @returns values `[cases, length, dimensions]` and the original lengths.
 * @throws TimeSeriesPolicyError for unequal lengths or missing values without a policy, or cases with
 *   differing dimension counts.
 *
 * @example
 * const dense = prepareSeries(train, { lengthPolicy: 'pad', missing: 'interpolate', zNormalize: true });
 * const x = seriesToTensor(dense); // [cases, length, dims]
 */
export function prepareSeries(split: TimeSeriesSplit, options: PrepareSeriesOptions = {}): DenseSeries {
  for (const key of Object.keys(options)) {
    if (!ALLOWED.includes(key))
      throw new TypeError(`prepareSeries: unknown option "${key}" (allowed: ${ALLOWED.join(', ')})`);
  }
  const lengthPolicy = options.lengthPolicy ?? 'error';
  const missing = options.missing ?? 'error';
  const padValue = options.padValue ?? 0;
  const n = split.series.length;
  const dims = split.series[0]?.length ?? 0;
  let minLength = Infinity;
  let maxLength = 0;
  let shortest = -1;
  let longest = -1;
  split.series.forEach((caseSeries, i) => {
    if (caseSeries.length !== dims) {
      throw new TimeSeriesPolicyError(
        `prepareSeries: case ${i} has ${caseSeries.length} dimensions, case 0 has ${dims}`,
      );
    }
    for (const v of caseSeries) {
      if (v.length < minLength) [minLength, shortest] = [v.length, i];
      if (v.length > maxLength) [maxLength, longest] = [v.length, i];
      if (missing === 'error') {
        const at = v.findIndex((x) => Number.isNaN(x));
        if (at >= 0) {
          throw new TimeSeriesPolicyError(
            `prepareSeries: case ${i} has a missing value at position ${at}; choose missing: 'interpolate' or 'keep'`,
          );
        }
      }
    }
  });
  if (n === 0)
    return {
      values: new Float32Array(0),
      shape: [0, options.length ?? 0, dims],
      originalLengths: new Int32Array(0),
    };
  if (minLength !== maxLength && lengthPolicy === 'error') {
    throw new TimeSeriesPolicyError(
      `prepareSeries: unequal lengths (case ${shortest}: ${minLength}, case ${longest}: ${maxLength}); choose lengthPolicy 'pad', 'truncate' or 'resample'`,
    );
  }
  const length = options.length ?? (lengthPolicy === 'truncate' ? minLength : maxLength);
  if (!Number.isInteger(length) || length <= 0)
    throw new RangeError(`prepareSeries: length must be a positive integer, got ${length}`);
  if (lengthPolicy === 'error' && length !== maxLength) {
    throw new TimeSeriesPolicyError(
      `prepareSeries: length ${length} differs from the series length ${maxLength}; choose a lengthPolicy`,
    );
  }
  const values = new Float32Array(n * length * dims);
  const originalLengths = new Int32Array(n);
  split.series.forEach((caseSeries, i) => {
    caseSeries.forEach((raw, d) => {
      originalLengths[i] = Math.max(originalLengths[i]!, raw.length);
      let v: Float64Array = raw;
      if (missing === 'interpolate') v = interpolateMissing(v, i);
      if (options.zNormalize === true) v = zNormalize(v);
      if (lengthPolicy === 'resample' && v.length !== length) v = resampleLinear(v, length);
      if (v.length > length && lengthPolicy !== 'truncate' && lengthPolicy !== 'resample') {
        throw new TimeSeriesPolicyError(
          `prepareSeries: case ${i} has ${v.length} values, more than length ${length}; use 'truncate'`,
        );
      }
      if (v.length < length && lengthPolicy !== 'pad' && lengthPolicy !== 'resample') {
        throw new TimeSeriesPolicyError(
          `prepareSeries: case ${i} has ${v.length} values, fewer than length ${length}; use 'pad'`,
        );
      }
      const base = i * length * dims + d;
      for (let t = 0; t < length; t++) values[base + t * dims] = t < v.length ? v[t]! : padValue;
    });
  });
  return { values, shape: [n, length, dims], originalLengths };
}

/**
 * Linear interpolation over `NaN` runs; leading and trailing runs take the nearest valid value.
 *
 * @param values - one series.
 * @param caseIndex - for the error message.
 * @returns a new array without `NaN` (the input itself when it has none).
 * @throws TimeSeriesPolicyError when every value is missing.
 */
export function interpolateMissing(values: Float64Array, caseIndex = 0): Float64Array {
  let firstValid = -1;
  for (let t = 0; t < values.length; t++) {
    if (!Number.isNaN(values[t]!)) {
      firstValid = t;
      break;
    }
  }
  if (firstValid < 0)
    throw new TimeSeriesPolicyError(`interpolateMissing: case ${caseIndex} has no valid value`);
  if (!values.some((x) => Number.isNaN(x))) return values;
  const out = Float64Array.from(values);
  for (let t = 0; t < firstValid; t++) out[t] = values[firstValid]!;
  let prev = firstValid;
  for (let t = firstValid + 1; t < values.length; t++) {
    if (Number.isNaN(values[t]!)) continue;
    for (let k = prev + 1; k < t; k++)
      out[k] = values[prev]! + ((values[t]! - values[prev]!) * (k - prev)) / (t - prev);
    prev = t;
  }
  for (let k = prev + 1; k < values.length; k++) out[k] = values[prev]!;
  return out;
}

/**
 * `(x − mean) / std` with the population standard deviation over the non-`NaN` values (as the UCR archive's
 * own z-normalisation); a constant series becomes zeros. `NaN` stays `NaN`.
 *
 * @param values - one series.
 * @returns a new array.
 */
export function zNormalize(values: Float64Array): Float64Array {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  const mean = count > 0 ? sum / count : 0;
  let sq = 0;
  for (const v of values) if (!Number.isNaN(v)) sq += (v - mean) ** 2;
  const std = count > 0 ? Math.sqrt(sq / count) : 0;
  return Float64Array.from(values, (v) => (std > 0 ? (v - mean) / std : Number.isNaN(v) ? NaN : 0));
}

/**
 * Linear resampling onto `length` evenly spaced points spanning the whole series (NumPy
 * `np.interp(np.linspace(0, n − 1, length), np.arange(n), x)`).
 *
 * @param values - one series (at least one value).
 * @param length - output length.
 * @returns a new array of `length` values.
 */
export function resampleLinear(values: Float64Array, length: number): Float64Array {
  const n = values.length;
  if (n === 0) throw new RangeError('resampleLinear: empty series');
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    const pos = length === 1 ? 0 : (t * (n - 1)) / (length - 1);
    const i0 = Math.floor(pos);
    const i1 = Math.min(i0 + 1, n - 1);
    out[t] = values[i0]! + (values[i1]! - values[i0]!) * (pos - i0);
  }
  return out;
}
