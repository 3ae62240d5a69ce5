import {
  type FeatureInput,
  type FeatureMatrix,
  GenerativeMetricError,
  toFeatureMatrix,
} from './feature-matrix';
import { symmetricEigenvalues } from './symmetric-eigenvalues';

/** Mean and sample covariance (denominator n − 1) of a feature set, float64. */
export interface GaussianStatistics {
  dim: number;
  /** `[dim]`. */
  mean: Float64Array;
  /** `[dim, dim]` row-major. */
  covariance: Float64Array;
}

function meanOf(m: FeatureMatrix): Float64Array {
  const mean = new Float64Array(m.dim);
  for (let r = 0; r < m.rows; r++)
    for (let j = 0; j < m.dim; j++) mean[j] = mean[j]! + m.data[r * m.dim + j]!;
  for (let j = 0; j < m.dim; j++) mean[j] = mean[j]! / m.rows;
  return mean;
}

function centred(m: FeatureMatrix, mean: Float64Array): Float64Array {
  const out = new Float64Array(m.rows * m.dim);
  for (let r = 0; r < m.rows; r++)
    for (let j = 0; j < m.dim; j++) out[r * m.dim + j] = m.data[r * m.dim + j]! - mean[j]!;
  return out;
}

/** `A·Bᵀ` for row-major A `[p, k]`, B `[q, k]`. */
function multiplyTransposed(a: Float64Array, p: number, b: Float64Array, q: number, k: number): Float64Array {
  const out = new Float64Array(p * q);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < q; j++) {
      let s = 0;
      const ai = i * k;
      const bj = j * k;
      for (let t = 0; t < k; t++) s += a[ai + t]! * b[bj + t]!;
      out[i * q + j] = s;
    }
  }
  return out;
}

/** Sum of singular values of P `[p, q]`: Σ √λ(PPᵀ) or of PᵀP, whichever is smaller. */
function nuclearNorm(pm: Float64Array, p: number, q: number): number {
  let gram: Float64Array;
  let n: number;
  if (p <= q) {
    gram = multiplyTransposed(pm, p, pm, p, q);
    n = p;
  } else {
    const t = new Float64Array(q * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) t[j * p + i] = pm[i * q + j]!;
    gram = multiplyTransposed(t, q, t, q, p);
    n = q;
  }
  let sum = 0;
  for (const lambda of symmetricEigenvalues(gram, n)) sum += Math.sqrt(Math.max(0, lambda));
  return sum;
}

/** Lower Cholesky factor of an SPD matrix, adding `jitter·I` until it succeeds. */
function cholesky(c: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += c[i * n + i]!;
  const scale = trace / n || 1;
  for (let attempt = 0; attempt < 8; attempt++) {
    const jitter = attempt === 0 ? 0 : scale * 10 ** (attempt - 13);
    const l = new Float64Array(n * n);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = c[i * n + j]! + (i === j ? jitter : 0);
        for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          l[i * n + i] = Math.sqrt(s);
        } else l[i * n + j] = s / l[j * n + j]!;
      }
    }
    if (ok) return l;
  }
  throw new GenerativeMetricError('frechetDistance: a covariance matrix is not positive semi-definite');
}

/**
 * Mean and sample covariance of features (float64), e.g. to cache the statistics of a training set.
 *
 * @param features `[rows, dim]`, at least 2 rows.
 * @example
 * const stats = gaussianStatistics(realFeatures);
 */
export function gaussianStatistics(features: FeatureInput): GaussianStatistics {
  const m = toFeatureMatrix(features);
  if (m.rows < 2) throw new GenerativeMetricError(`gaussianStatistics: need at least 2 rows, got ${m.rows}`);
  const mean = meanOf(m);
  const x = centred(m, mean);
  const cov = new Float64Array(m.dim * m.dim);
  for (let r = 0; r < m.rows; r++) {
    const row = r * m.dim;
    for (let i = 0; i < m.dim; i++) {
      const xi = x[row + i]!;
      if (xi === 0) continue;
      for (let j = i; j < m.dim; j++) cov[i * m.dim + j] = cov[i * m.dim + j]! + xi * x[row + j]!;
    }
  }
  for (let i = 0; i < m.dim; i++) {
    for (let j = i; j < m.dim; j++) {
      const v = cov[i * m.dim + j]! / (m.rows - 1);
      cov[i * m.dim + j] = v;
      cov[j * m.dim + i] = v;
    }
  }
  return { dim: m.dim, mean, covariance: cov };
}

function meanTerm(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/**
 * Fréchet distance between two Gaussians, ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2·Tr √(Σ₁Σ₂) (Dowson & Landau 1982;
 * FID, Heusel et al. 2017, arXiv 1706.08500).
 *
 * Tr √(Σ₁Σ₂) is computed without a matrix square root: with Σᵢ = LᵢLᵢᵀ (Cholesky), the eigenvalues of
 * Σ₁Σ₂ are the squared singular values of L₂ᵀL₁, so the trace is the nuclear norm of L₂ᵀL₁, evaluated
 * from the eigenvalues of a symmetric PSD matrix: real by construction, no imaginary parts to discard
 * (pytorch-fid's `sqrtm` failure mode). Singular covariances get a tiny diagonal jitter for the factorisation.
 *
 * @example
 * const fid = frechetDistance(gaussianStatistics(real), gaussianStatistics(fake));
 */
export function frechetDistance(a: GaussianStatistics, b: GaussianStatistics): number {
  if (a.dim !== b.dim)
    throw new GenerativeMetricError(`frechetDistance: dimensions differ (${a.dim} vs ${b.dim})`);
  const n = a.dim;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a.covariance[i * n + i]! + b.covariance[i * n + i]!;
  const la = cholesky(a.covariance, n);
  const lb = cholesky(b.covariance, n);
  // L₂ᵀL₁ = (L₂ᵀ)(L₁); with row-major transposes, multiplyTransposed(L₂ᵀ, L₁ᵀ).
  const lbT = new Float64Array(n * n);
  const laT = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      lbT[i * n + j] = lb[j * n + i]!;
      laT[i * n + j] = la[j * n + i]!;
    }
  }
  const product = multiplyTransposed(lbT, n, laT, n, n);
  return Math.max(0, meanTerm(a.mean, b.mean) + trace - 2 * nuclearNorm(product, n, n));
}

/**
 * Fréchet Inception Distance between two feature sets (FID, Heusel et al. 2017) with sample covariances.
 * When a set has fewer samples than dimensions (the usual case for 2048-d features at small N) the
 * covariance factor is the centred sample matrix itself, so the cost is O(n₁·n₂·d + min(n)³) instead of O(d³).
 *
 * Small sample counts bias FID upwards: compare numbers computed with the same N and the same extractor.
 *
 * @param real `[n₁, dim]` features (n₁ ≥ 2).
 * @param fake `[n₂, dim]` features (n₂ ≥ 2).
 * @example
 * const fid = frechetInceptionDistance(realFeatures, fakeFeatures);
 */
export function frechetInceptionDistance(real: FeatureInput, fake: FeatureInput): number {
  const a = toFeatureMatrix(real, 'frechetInceptionDistance (real)');
  const b = toFeatureMatrix(fake, 'frechetInceptionDistance (fake)');
  if (a.dim !== b.dim)
    throw new GenerativeMetricError(
      `frechetInceptionDistance: feature dimensions differ (${a.dim} vs ${b.dim})`,
    );
  if (a.rows < 2 || b.rows < 2)
    throw new GenerativeMetricError('frechetInceptionDistance: each set needs at least 2 samples');
  if (Math.min(a.rows, b.rows) > a.dim) return frechetDistance(gaussianStatistics(a), gaussianStatistics(b));
  const ma = meanOf(a);
  const mb = meanOf(b);
  const xa = centred(a, ma);
  const xb = centred(b, mb);
  let trace = 0;
  for (const v of xa) trace += (v * v) / (a.rows - 1);
  for (const v of xb) trace += (v * v) / (b.rows - 1);
  // Σ₁ = XaᵀXa/(n₁−1): factor Fa = Xaᵀ/√(n₁−1); Tr√(Σ₁Σ₂) = ‖FbᵀFa‖_* = ‖Xb·Xaᵀ‖_* / √((n₁−1)(n₂−1)).
  const cross = multiplyTransposed(xb, b.rows, xa, a.rows, a.dim);
  const root = nuclearNorm(cross, b.rows, a.rows) / Math.sqrt((a.rows - 1) * (b.rows - 1));
  return Math.max(0, meanTerm(ma, mb) + trace - 2 * root);
}
