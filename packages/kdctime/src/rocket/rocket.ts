import { createRng, type Rng } from '@frx/tensor-utils';

import { positiveInteger, rejectUnknownOptions } from '../internal/validate';
import { univariateShape, type SeriesMatrix } from './series-matrix';

/** ROCKET's kernel lengths (Dempster et al. 2020, §3.1). */
export const ROCKET_KERNEL_LENGTHS: readonly number[] = [7, 9, 11];

/** ROCKET's default number of kernels (10,000 kernels → 20,000 features). */
export const ROCKET_DEFAULT_KERNELS = 10_000;

/** Random convolution kernels of ROCKET, stored flat for a fast transform. */
export interface RocketKernels {
  /** Series length the kernels were drawn for (sets the dilation range). */
  inputLength: number;
  /** Length of each kernel (7, 9 or 11). */
  lengths: Int32Array;
  /** All weights concatenated, kernel after kernel (mean-centred per kernel). */
  weights: Float64Array;
  /** Start of each kernel's weights in `weights`. */
  offsets: Int32Array;
  /** Bias per kernel, U(−1, 1). */
  biases: Float64Array;
  /** Dilation per kernel, ⌊2^u⌋ with u ~ U(0, log₂((L − 1)/(ℓ − 1))). */
  dilations: Int32Array;
  /** Zero padding on each side per kernel: ⌊(ℓ − 1)·d / 2⌋ or 0 with probability ½ each. */
  paddings: Int32Array;
}

/** Options of {@link generateRocketKernels}. */
export interface RocketKernelOptions {
  /** Number of kernels. Default 10,000. */
  numKernels?: number;
  /** Seed of the random draws (a number or string), or an {@link Rng}. Default 0. */
  seed?: number | string | Rng;
}

/**
 * Draws ROCKET's random kernels for series of length `inputLength`, following `generate_kernels` of
 * angus924/rocket: length ℓ uniform in {7, 9, 11}; weights N(0, 1), mean-centred; bias U(−1, 1); dilation
 * ⌊2^u⌋, u ~ U(0, log₂((L − 1)/(ℓ − 1))); padding ⌊(ℓ − 1)·d/2⌋ with probability ½, else 0.
 *
 * @param inputLength - series length L (≥ 11, the longest kernel; pad shorter series first).
 * @param options - `numKernels` (default 10,000), `seed` (default 0).
 * @returns the kernels.
 *
 * @example
 * const kernels = generateRocketKernels(150, { numKernels: 10_000, seed: 1 });
 * const features = rocketTransform(kernels, trainSeries); // Float32Array [cases, 20000]
 *
 * @see Dempster, Petitjean & Webb, "ROCKET: exceptionally fast and accurate time series classification using
 *   random convolutional kernels", Data Mining and Knowledge Discovery 34 (2020), arXiv 1910.13051.
 */
export function generateRocketKernels(inputLength: number, options: RocketKernelOptions = {}): RocketKernels {
  rejectUnknownOptions('generateRocketKernels', options, ['numKernels', 'seed']);
  const numKernels = positiveInteger(
    'generateRocketKernels',
    'numKernels',
    options.numKernels,
    ROCKET_DEFAULT_KERNELS,
  );
  if (!Number.isInteger(inputLength) || inputLength < 11) {
    throw new RangeError(`generateRocketKernels: inputLength must be an integer >= 11, got ${inputLength}`);
  }
  const seed = options.seed ?? 0;
  const rng = typeof seed === 'object' ? seed : createRng(seed);
  const lengths = new Int32Array(numKernels);
  for (let k = 0; k < numKernels; k++) lengths[k] = ROCKET_KERNEL_LENGTHS[rng.int(3)]!;
  const offsets = new Int32Array(numKernels);
  let total = 0;
  for (let k = 0; k < numKernels; k++) {
    offsets[k] = total;
    total += lengths[k]!;
  }
  const weights = new Float64Array(total);
  const biases = new Float64Array(numKernels);
  const dilations = new Int32Array(numKernels);
  const paddings = new Int32Array(numKernels);
  for (let k = 0; k < numKernels; k++) {
    const length = lengths[k]!;
    const start = offsets[k]!;
    let mean = 0;
    for (let j = 0; j < length; j++) {
      const w = rng.normal();
      weights[start + j] = w;
      mean += w;
    }
    mean /= length;
    for (let j = 0; j < length; j++) weights[start + j]! -= mean;
    biases[k] = rng.uniform(-1, 1);
    const dilation = Math.floor(2 ** rng.uniform(0, Math.log2((inputLength - 1) / (length - 1))));
    dilations[k] = dilation;
    paddings[k] = rng.int(2) === 1 ? Math.floor(((length - 1) * dilation) / 2) : 0;
  }
  return { inputLength, lengths, weights, offsets, biases, dilations, paddings };
}

/**
 * ROCKET features: for every kernel, the proportion of positive values (PPV) and the maximum of the dilated,
 * zero-padded convolution output, in the order `[ppv₀, max₀, ppv₁, max₁, …]` (angus924/rocket `apply_kernels`).
 * Plain loops over typed arrays, no allocation per element.
 *
 * @param kernels - from {@link generateRocketKernels}.
 * @param series - univariate series `[cases, length, 1]`, length ≥ the `inputLength` the kernels were drawn for.
 * @returns `[cases, 2 · numKernels]` features, row-major.
 *
 * @example
 * const features = rocketTransform(generateRocketKernels(150), { values, shape: [50, 150, 1] });
 */
export function rocketTransform(kernels: RocketKernels, series: SeriesMatrix): Float32Array {
  const [cases, length] = univariateShape('rocketTransform', series);
  if (length < kernels.inputLength) {
    throw new RangeError(
      `rocketTransform: series length ${length} is shorter than the kernels' inputLength ${kernels.inputLength}`,
    );
  }
  const numKernels = kernels.lengths.length;
  const out = new Float32Array(cases * numKernels * 2);
  const { lengths, weights, offsets, biases, dilations, paddings } = kernels;
  // The series sits between two zero margins as long as the largest padding, so taps outside [0, L) read zeros
  // without a bounds check in the inner loop.
  let margin = 0;
  for (let k = 0; k < numKernels; k++) margin = Math.max(margin, paddings[k]!);
  const x = new Float64Array(length + 2 * margin);
  for (let c = 0; c < cases; c++) {
    for (let t = 0; t < length; t++) x[margin + t] = series.values[c * length + t]!;
    const row = c * numKernels * 2;
    for (let k = 0; k < numKernels; k++) {
      const kLength = lengths[k]!;
      const w0 = offsets[k]!;
      const bias = biases[k]!;
      const d = dilations[k]!;
      const p = paddings[k]!;
      const span = (kLength - 1) * d;
      const outputLength = length + 2 * p - span;
      let ppv = 0;
      let max = -Infinity;
      const end = length + p - span;
      for (let i = -p; i < end; i++) {
        let sum = bias;
        for (let j = 0, index = margin + i; j < kLength; j++, index += d) sum += weights[w0 + j]! * x[index]!;
        if (sum > max) max = sum;
        if (sum > 0) ppv++;
      }
      out[row + 2 * k] = ppv / outputLength;
      out[row + 2 * k + 1] = max;
    }
  }
  return out;
}
