import { createRng, type Rng } from '@frx/tensor-utils';

import { positiveInteger, rejectUnknownOptions } from '../internal/validate';
import { univariateShape, type SeriesMatrix } from './series-matrix';

/** MiniRocket's kernel length (Dempster, Schmidt & Webb 2021, §4.1). */
export const MINI_ROCKET_KERNEL_LENGTH = 9;

/**
 * The 84 MiniRocket kernels: the positions of the three +2 weights among 9 taps (the other six are −1), every
 * 3-subset of {0 … 8} in lexicographic order.
 */
export const MINI_ROCKET_KERNEL_INDICES: readonly (readonly [number, number, number])[] = (() => {
  const out: [number, number, number][] = [];
  for (let a = 0; a < 9; a++)
    for (let b = a + 1; b < 9; b++) for (let c = b + 1; c < 9; c++) out.push([a, b, c]);
  return out;
})();

const NUM_KERNELS = MINI_ROCKET_KERNEL_INDICES.length;
const GOLDEN_RATIO = (Math.sqrt(5) + 1) / 2;

/** A fitted MiniRocket transform. */
export interface MiniRocketParameters {
  /** Series length the transform was fitted on (after padding to at least 9). */
  inputLength: number;
  /** Distinct dilations. */
  dilations: Int32Array;
  /** Features per kernel at each dilation. */
  featuresPerDilation: Int32Array;
  /** One bias per feature, in the order dilation → kernel → feature. */
  biases: Float32Array;
}

/** Options of {@link fitMiniRocket}. */
export interface MiniRocketOptions {
  /** Requested number of features (rounded down to a multiple of 84). Default 10,000 (→ 9,996). */
  numFeatures?: number;
  /** Most dilations per kernel. Default 32. */
  maxDilationsPerKernel?: number;
  /** Seed for the choice of the training example behind each bias, or an {@link Rng}. Default 0. */
  seed?: number | string | Rng;
}

/**
 * MiniRocket's dilation schedule (`_fit_dilations` of angus924/minirocket): `⌊2^(e·i/(D − 1))⌋` for
 * i = 0 … D − 1 with e = log₂((L − 1)/8), kept once each with their multiplicities, features per dilation
 * `⌊count · F/D⌋` and the remainder handed out one by one from the first dilation.
 *
 * @param inputLength - series length L (≥ 9).
 * @param numFeatures - requested features. Default 10,000.
 * @param maxDilationsPerKernel - D at most. Default 32.
 * @returns dilations and features per kernel at each.
 *
 * @example
 * miniRocketDilations(24); // { dilations: [1, 2], featuresPerDilation: [79, 40] }
 */
export function miniRocketDilations(
  inputLength: number,
  numFeatures = 10_000,
  maxDilationsPerKernel = 32,
): { dilations: Int32Array; featuresPerDilation: Int32Array } {
  const perKernel = Math.floor(numFeatures / NUM_KERNELS);
  if (perKernel < 1)
    throw new RangeError(`MiniRocket: numFeatures must be >= ${NUM_KERNELS}, got ${numFeatures}`);
  const trueMax = Math.min(perKernel, maxDilationsPerKernel);
  const multiplier = perKernel / trueMax;
  const maxExponent = Math.log2((inputLength - 1) / (MINI_ROCKET_KERNEL_LENGTH - 1));
  const counts = new Map<number, number>();
  for (let i = 0; i < trueMax; i++) {
    // NumPy logspace: the last point is exactly base ** stop.
    const exponent = trueMax === 1 ? 0 : i === trueMax - 1 ? maxExponent : (maxExponent * i) / (trueMax - 1);
    const d = Math.trunc(2 ** exponent);
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const dilations = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const featuresPerDilation = Int32Array.from(dilations, (d) => Math.trunc(counts.get(d)! * multiplier));
  let remainder = perKernel - featuresPerDilation.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % featuresPerDilation.length, remainder--)
    featuresPerDilation[i]!++;
  return { dilations, featuresPerDilation };
}

/**
 * MiniRocket's quantile levels `frac(n·φ)` for n = 1 … count, φ the golden ratio, rounded to float32.
 *
 * @param count - number of levels.
 * @returns the levels.
 */
export function miniRocketQuantiles(count: number): Float32Array {
  const out = new Float32Array(count);
  for (let n = 1; n <= count; n++) out[n - 1] = (n * GOLDEN_RATIO) % 1;
  return out;
}

/**
 * Convolution scratch for one series at one dilation: `alpha[t] = −Σ_k x[t + (k − 4)d]` and
 * `gamma[k][t] = 3·x[t + (k − 4)d]` (zeros outside the series), so that kernel (i₀, i₁, i₂) is
 * `alpha + gamma[i₀] + gamma[i₁] + gamma[i₂]` (the −1/+2 weights), as in the reference implementation.
 */
function fillDilation(
  x: Float32Array,
  length: number,
  d: number,
  alpha: Float32Array,
  gamma: Float32Array,
): void {
  alpha.fill(0);
  gamma.fill(0);
  for (let k = 0; k < MINI_ROCKET_KERNEL_LENGTH; k++) {
    const shift = (k - 4) * d;
    const row = k * length;
    const from = Math.max(0, -shift);
    const to = Math.min(length, length - shift);
    for (let t = from; t < to; t++) {
      const v = x[t + shift]!;
      alpha[t]! -= v;
      gamma[row + t] = 3 * v;
    }
  }
}

/** Copies series `c` into `x`, zero-padded past `length`. */
function copySeries(series: SeriesMatrix, c: number, length: number, x: Float32Array): void {
  x.fill(0);
  for (let t = 0; t < length; t++) x[t] = series.values[c * length + t]!;
}

/** NumPy `quantile` with linear interpolation on a sorted array. */
function quantileSorted(sorted: Float32Array, level: number): number {
  const position = level * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = position - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}

/**
 * Fits MiniRocket (angus924/minirocket `fit`): the dilation schedule for the series length, then for every
 * (dilation, kernel) pair one random training example whose convolution output's quantiles (golden-ratio levels)
 * become that pair's biases. Series shorter than 9 are zero-padded to 9 (a design choice; the reference requires
 * length ≥ 9).
 *
 * @param series - univariate training series `[cases, length, 1]`.
 * @param options - `numFeatures` (default 10,000), `maxDilationsPerKernel` (default 32), `seed` (default 0).
 * @returns the fitted parameters for {@link miniRocketTransform}.
 *
 * @example
 * const params = fitMiniRocket(train, { seed: 1 });
 * const features = miniRocketTransform(params, test); // Float32Array [cases, 9996]
 *
 * @see Dempster, Schmidt & Webb, "MiniRocket: a very fast (almost) deterministic transform for time series
 *   classification", KDD 2021, arXiv 2012.08791.
 */
export function fitMiniRocket(series: SeriesMatrix, options: MiniRocketOptions = {}): MiniRocketParameters {
  rejectUnknownOptions('fitMiniRocket', options, ['numFeatures', 'maxDilationsPerKernel', 'seed']);
  const numFeatures = positiveInteger('fitMiniRocket', 'numFeatures', options.numFeatures, 10_000);
  const maxDilations = positiveInteger(
    'fitMiniRocket',
    'maxDilationsPerKernel',
    options.maxDilationsPerKernel,
    32,
  );
  const seed = options.seed ?? 0;
  const rng = typeof seed === 'object' ? seed : createRng(seed);
  const [cases, length] = univariateShape('fitMiniRocket', series);
  if (cases < 1) throw new RangeError('fitMiniRocket: needs at least one training series');
  const inputLength = Math.max(length, MINI_ROCKET_KERNEL_LENGTH);
  const { dilations, featuresPerDilation } = miniRocketDilations(inputLength, numFeatures, maxDilations);
  const total = NUM_KERNELS * featuresPerDilation.reduce((a, b) => a + b, 0);
  const quantiles = miniRocketQuantiles(total);
  const biases = new Float32Array(total);
  const x = new Float32Array(inputLength);
  const alpha = new Float32Array(inputLength);
  const gamma = new Float32Array(MINI_ROCKET_KERNEL_LENGTH * inputLength);
  const conv = new Float32Array(inputLength);
  let feature = 0;
  for (let di = 0; di < dilations.length; di++) {
    const d = dilations[di]!;
    const count = featuresPerDilation[di]!;
    for (let k = 0; k < NUM_KERNELS; k++) {
      copySeries(series, rng.int(cases), length, x);
      fillDilation(x, inputLength, d, alpha, gamma);
      const [i0, i1, i2] = MINI_ROCKET_KERNEL_INDICES[k]!;
      for (let t = 0; t < inputLength; t++) {
        conv[t] =
          alpha[t]! +
          gamma[i0 * inputLength + t]! +
          gamma[i1 * inputLength + t]! +
          gamma[i2 * inputLength + t]!;
      }
      conv.sort();
      for (let f = 0; f < count; f++, feature++) biases[feature] = quantileSorted(conv, quantiles[feature]!);
    }
  }
  return { inputLength, dilations, featuresPerDilation, biases };
}

/**
 * MiniRocket features (angus924/minirocket `transform`): PPV of every (dilation, kernel) output against each of
 * its biases; padding alternates, the PPV being taken over the whole zero-padded output when
 * `(dilationIndex mod 2 + kernelIndex) mod 2 = 0` and over the valid part `C[4d : L − 4d]` otherwise.
 *
 * @param parameters - from {@link fitMiniRocket}.
 * @param series - univariate series `[cases, length, 1]` with the fitted length (or shorter than 9, padded).
 * @returns `[cases, features]` row-major (9,996 features by default).
 *
 * @example
 * const features = miniRocketTransform(fitMiniRocket(train), test);
 */
export function miniRocketTransform(parameters: MiniRocketParameters, series: SeriesMatrix): Float32Array {
  const [cases, length] = univariateShape('miniRocketTransform', series);
  const inputLength = Math.max(length, MINI_ROCKET_KERNEL_LENGTH);
  if (inputLength !== parameters.inputLength) {
    throw new RangeError(
      `miniRocketTransform: series length ${length} differs from the fitted length ${parameters.inputLength}`,
    );
  }
  const { dilations, featuresPerDilation, biases } = parameters;
  const total = biases.length;
  const out = new Float32Array(cases * total);
  const x = new Float32Array(inputLength);
  const alpha = new Float32Array(inputLength);
  const gamma = new Float32Array(MINI_ROCKET_KERNEL_LENGTH * inputLength);
  const conv = new Float32Array(inputLength);
  for (let c = 0; c < cases; c++) {
    copySeries(series, c, length, x);
    let feature = c * total;
    let biasIndex = 0;
    for (let di = 0; di < dilations.length; di++) {
      const d = dilations[di]!;
      const padding = 4 * d;
      const count = featuresPerDilation[di]!;
      fillDilation(x, inputLength, d, alpha, gamma);
      for (let k = 0; k < NUM_KERNELS; k++) {
        const [i0, i1, i2] = MINI_ROCKET_KERNEL_INDICES[k]!;
        const g0 = i0 * inputLength;
        const g1 = i1 * inputLength;
        const g2 = i2 * inputLength;
        for (let t = 0; t < inputLength; t++)
          conv[t] = alpha[t]! + gamma[g0 + t]! + gamma[g1 + t]! + gamma[g2 + t]!;
        const whole = ((di % 2) + k) % 2 === 0;
        const from = whole ? 0 : padding;
        const to = whole ? inputLength : inputLength - padding;
        const span = to - from;
        for (let f = 0; f < count; f++, biasIndex++, feature++) {
          const b = biases[biasIndex]!;
          let positive = 0;
          for (let t = from; t < to; t++) if (conv[t]! > b) positive++;
          out[feature] = positive / span;
        }
      }
    }
  }
  return out;
}
