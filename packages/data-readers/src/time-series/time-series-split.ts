import { DECIMAL_NUMBER } from '../io/decimal-number';

/**
 * Time series as read from a file, before any length or missing-value policy is applied.
 * `series[i][d]` holds the values of case `i`, dimension `d`, each at its own length; `NaN` marks a missing
 * value (UCR `NaN`, `.ts` `?`).
 */
export interface TimeSeriesSplit {
  /** `[case][dimension]` value arrays. */
  series: Float64Array[][];
  /** One label per case as written in the file (numeric labels normalised, e.g. `1.0000000e+00` → `1`). */
  labels: string[];
}

/** What is in a {@link TimeSeriesSplit}: reported so that no policy has to be guessed. */
export interface TimeSeriesSummary {
  /** Number of cases. */
  cases: number;
  /** Dimensions per case (channels). */
  dimensions: number;
  /** Shortest series (over cases and dimensions). */
  minLength: number;
  /** Longest series. */
  maxLength: number;
  /** Whether every series of every case has the same length. */
  equalLength: boolean;
  /** Number of `NaN` values inside the series lengths. */
  missingValues: number;
  /** Indices of cases with at least one missing value. */
  casesWithMissing: number[];
}

/**
 * Summarises lengths and missing values of a split.
 *
 * @param split - parsed series.
 * @returns counts, length range and the cases with missing values.
 *
 * @example
 * describeSeries(train); // { cases: 50, dimensions: 1, minLength: 29, maxLength: 361, equalLength: false, ... }
 */
export function describeSeries(split: TimeSeriesSplit): TimeSeriesSummary {
  let minLength = Infinity;
  let maxLength = 0;
  let missingValues = 0;
  let dimensions = 0;
  const casesWithMissing: number[] = [];
  split.series.forEach((dims, i) => {
    dimensions = Math.max(dimensions, dims.length);
    let missing = 0;
    for (const values of dims) {
      minLength = Math.min(minLength, values.length);
      maxLength = Math.max(maxLength, values.length);
      for (const v of values) if (Number.isNaN(v)) missing++;
    }
    if (missing > 0) casesWithMissing.push(i);
    missingValues += missing;
  });
  if (split.series.length === 0) minLength = 0;
  return {
    cases: split.series.length,
    dimensions,
    minLength,
    maxLength,
    equalLength: minLength === maxLength,
    missingValues,
    casesWithMissing,
  };
}

/** @internal Normalises a label token: numeric labels to their shortest decimal form, others trimmed. */
export function normalizeLabel(token: string): string {
  const t = token.trim();
  if (DECIMAL_NUMBER.test(t)) return String(Number(t));
  return t;
}
