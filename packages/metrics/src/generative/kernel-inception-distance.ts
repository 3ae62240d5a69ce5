import { createSubsetSampler } from './subset-sampler';
import { type FeatureInput, GenerativeMetricError, toFeatureMatrix } from './feature-matrix';

/** Options of {@link kernelInceptionDistance}. */
export interface KernelInceptionDistanceOptions {
  /** Number of subsets. Default `100` (Bińkowski et al. 2018; torch-fidelity). */
  subsets?: number;
  /** Samples per subset and set; capped at the smaller set size. Default `1000`. */
  subsetSize?: number;
  /** Degree of the polynomial kernel. Default `3`. */
  degree?: number;
  /** γ of the kernel. Default `1 / dim`. */
  gamma?: number;
  /** coef0 of the kernel. Default `1`. */
  coef0?: number;
  /** Seed of the subset draws. Default `0`. */
  seed?: number;
}

/** Mean and standard deviation over subsets. */
export interface MetricSummary {
  mean: number;
  std: number;
  /** Per-subset (KID) or per-split (IS) values. */
  values: number[];
}

const KID_KEYS = ['subsets', 'subsetSize', 'degree', 'gamma', 'coef0', 'seed'];

/**
 * Kernel Inception Distance (Bińkowski, Sutherland, Arbel, Gretton, "Demystifying MMD GANs", ICLR 2018,
 * arXiv 1801.01401): the unbiased MMD² with the polynomial kernel k(a, b) = (γ·aᵀb + coef0)^degree
 * (default (aᵀb/d + 1)³), averaged over random subsets of `subsetSize` samples drawn without replacement
 * from each set, as torch-fidelity `metric_kid.py`:
 *
 *     MMD² = [Σ_{i≠j} k(x_i, x_j) + Σ_{i≠j} k(y_i, y_j)] / (m(m − 1)) − 2·Σ_{i,j} k(x_i, y_j) / m²
 *
 * Unbiased, so usable at small N (it can be slightly negative for equal distributions). Dot products
 * are computed once for all pairs (O((n₁ + n₂)²·d)), then each subset costs O(m²).
 *
 * @param real `[n₁, dim]` features. @param fake `[n₂, dim]` features (n ≥ 2).
 * @example
 * const { mean, std } = kernelInceptionDistance(realFeatures, fakeFeatures, { subsets: 100, subsetSize: 1000 });
 */
export function kernelInceptionDistance(
  real: FeatureInput,
  fake: FeatureInput,
  options: KernelInceptionDistanceOptions = {},
): MetricSummary {
  for (const key of Object.keys(options)) {
    if (!KID_KEYS.includes(key))
      throw new GenerativeMetricError(`kernelInceptionDistance: unknown option '${key}'`);
  }
  const a = toFeatureMatrix(real, 'kernelInceptionDistance (real)');
  const b = toFeatureMatrix(fake, 'kernelInceptionDistance (fake)');
  if (a.dim !== b.dim)
    throw new GenerativeMetricError(
      `kernelInceptionDistance: feature dimensions differ (${a.dim} vs ${b.dim})`,
    );
  const { subsets = 100, subsetSize = 1000, degree = 3, gamma = 1 / a.dim, coef0 = 1, seed = 0 } = options;
  if (!Number.isInteger(subsets) || subsets < 1)
    throw new GenerativeMetricError(
      `kernelInceptionDistance: subsets must be a positive integer, got ${subsets}`,
    );
  if (!Number.isInteger(subsetSize) || subsetSize < 2)
    throw new GenerativeMetricError(
      `kernelInceptionDistance: subsetSize must be an integer >= 2, got ${subsetSize}`,
    );
  const m = Math.min(subsetSize, a.rows, b.rows);
  if (m < 2) throw new GenerativeMetricError('kernelInceptionDistance: each set needs at least 2 samples');
  const d = a.dim;
  const rows = a.rows + b.rows;
  const all = new Float64Array(rows * d);
  all.set(a.data, 0);
  all.set(b.data, a.rows * d);
  // Kernel values for every pair of the union (symmetric).
  const k = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let s = 0;
      const ri = i * d;
      const rj = j * d;
      for (let t = 0; t < d; t++) s += all[ri + t]! * all[rj + t]!;
      const v = (gamma * s + coef0) ** degree;
      k[i * rows + j] = v;
      k[j * rows + i] = v;
    }
  }
  const sample = createSubsetSampler(seed);
  const values: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const x = sample(a.rows, m);
    const y = sample(b.rows, m).map((i) => i + a.rows);
    let kxx = 0;
    let kyy = 0;
    let kxy = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        kxy += k[x[i]! * rows + y[j]!]!;
        if (i !== j) {
          kxx += k[x[i]! * rows + x[j]!]!;
          kyy += k[y[i]! * rows + y[j]!]!;
        }
      }
    }
    values.push((kxx + kyy) / (m * (m - 1)) - (2 * kxy) / (m * m));
  }
  return summarize(values);
}

/** Mean and population standard deviation (numpy `std`, ddof 0). */
export function summarize(values: number[]): MetricSummary {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, values };
}
