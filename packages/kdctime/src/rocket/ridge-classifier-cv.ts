import { numberInRange, rejectUnknownOptions } from '../internal/validate';
import { symmetricEigen } from './symmetric-eigen';

/**
 * ROCKET's regularisation grid, `np.logspace(-3, 3, 10)` (angus924/rocket `reproduce_experiments_ucr.py`).
 */
export const ROCKET_RIDGE_ALPHAS: readonly number[] = Array.from(
  { length: 10 },
  (_, i) => 10 ** (-3 + (6 * i) / 9),
);

/** Options of {@link RidgeClassifierCV}. */
export interface RidgeClassifierCVOptions {
  /** Candidate regularisation strengths. Default {@link ROCKET_RIDGE_ALPHAS}. */
  alphas?: readonly number[];
  /**
   * Feature scaling after centring: `'l2'` divides each centred feature by its L2 norm (scikit-learn's old
   * `normalize = True`, which the ROCKET and MiniRocket scripts pass), `'standard'` by its standard deviation,
   * `'none'` only centres. Default `'l2'`.
   */
  normalize?: 'l2' | 'standard' | 'none';
}

/** A fitted ridge classifier's summary. */
export interface RidgeFitSummary {
  /** The regularisation strength chosen by leave-one-out. */
  alpha: number;
  /** Mean squared leave-one-out residual per candidate alpha (same order as the grid). */
  looErrors: number[];
}

/**
 * Ridge regression classifier with leave-one-out choice of the regularisation, the classifier ROCKET and
 * MiniRocket use (scikit-learn `RidgeClassifierCV`, gram/eigen mode, reimplemented):
 *
 * - targets +1 for the class and −1 otherwise, one column per class (a single column for two classes);
 * - features centred (and scaled, see `normalize`); the intercept is not penalised;
 * - the leave-one-out residual of sample i for strength α is `(G⁻¹Y)ᵢ / (G⁻¹)ᵢᵢ` with `G = XXᵀ + αI`, for every α
 *   at once from one eigendecomposition of `XXᵀ` (plus the intercept direction, which gets no penalty, as in
 *   scikit-learn's `_RidgeGCV`); the α with the smallest mean squared residual wins (the first on ties);
 * - prediction: the class with the largest decision value (two classes: the sign).
 *
 * Cost: `O(n²·f)` for the Gram matrix and `O(n³)` for the eigendecomposition (n training series, f features), so
 * it suits UCR-sized training sets (n up to a few thousand).
 *
 * @example
 * const ridge = new RidgeClassifierCV();
 * ridge.fit(features, 20000, codes, 2); // features: Float32Array [n, 20000]
 * ridge.predict(testFeatures); // Int32Array of class codes
 */
export class RidgeClassifierCV {
  private readonly alphas: readonly number[];
  private readonly normalize: 'l2' | 'standard' | 'none';
  private featureCount = 0;
  private classCount = 0;
  private mean: Float64Array | null = null;
  private scale: Float64Array | null = null;
  /** `[features, targets]`, in the scaled feature space. */
  private coef: Float64Array | null = null;
  private intercept: Float64Array | null = null;
  private summary: RidgeFitSummary | null = null;

  constructor(options: RidgeClassifierCVOptions = {}) {
    rejectUnknownOptions('RidgeClassifierCV', options, ['alphas', 'normalize']);
    const alphas = options.alphas ?? ROCKET_RIDGE_ALPHAS;
    if (alphas.length === 0) throw new RangeError('RidgeClassifierCV: alphas must not be empty');
    alphas.forEach((a, i) => numberInRange('RidgeClassifierCV', `alphas[${i}]`, a, 0, 0, Infinity));
    this.alphas = [...alphas];
    const normalize = options.normalize ?? 'l2';
    if (!['l2', 'standard', 'none'].includes(normalize)) {
      throw new RangeError(
        `RidgeClassifierCV: normalize must be 'l2', 'standard' or 'none', got "${normalize}"`,
      );
    }
    this.normalize = normalize;
  }

  /** The chosen α and the leave-one-out errors, after {@link fit}. */
  get fitSummary(): RidgeFitSummary {
    if (!this.summary) throw new Error('RidgeClassifierCV: call fit() first');
    return this.summary;
  }

  /**
   * Fits the classifier.
   *
   * @param features - `[n, featureCount]` row-major.
   * @param featureCount - columns per row.
   * @param codes - class codes `0 … classes − 1`, one per row.
   * @param classes - number of classes K (≥ 2).
   * @returns this.
   */
  fit(features: ArrayLike<number>, featureCount: number, codes: ArrayLike<number>, classes: number): this {
    const n = codes.length;
    if (features.length !== n * featureCount) {
      throw new RangeError(
        `RidgeClassifierCV.fit: features has ${features.length} values, expected ${n} × ${featureCount}`,
      );
    }
    if (!Number.isInteger(classes) || classes < 2) {
      throw new RangeError(`RidgeClassifierCV.fit: classes must be an integer >= 2, got ${classes}`);
    }
    if (n < 2) throw new RangeError(`RidgeClassifierCV.fit: needs at least 2 samples, got ${n}`);
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      if (!Number.isInteger(c) || c < 0 || c >= classes) {
        throw new RangeError(
          `RidgeClassifierCV.fit: codes[${i}] = ${c} is not a class code in [0, ${classes})`,
        );
      }
    }
    const f = featureCount;
    const targets = classes === 2 ? 1 : classes;
    // Column statistics.
    const mean = new Float64Array(f);
    for (let i = 0; i < n; i++) {
      const row = i * f;
      for (let j = 0; j < f; j++) mean[j]! += features[row + j]!;
    }
    for (let j = 0; j < f; j++) mean[j]! /= n;
    const x = new Float64Array(n * f);
    const sq = new Float64Array(f);
    for (let i = 0; i < n; i++) {
      const row = i * f;
      for (let j = 0; j < f; j++) {
        const v = features[row + j]! - mean[j]!;
        x[row + j] = v;
        sq[j]! += v * v;
      }
    }
    const scale = new Float64Array(f).fill(1);
    if (this.normalize !== 'none') {
      for (let j = 0; j < f; j++) {
        const s = this.normalize === 'l2' ? Math.sqrt(sq[j]!) : Math.sqrt(sq[j]! / n);
        // Constant features stay 0 after centring; scikit-learn leaves their scale at 1.
        scale[j] = s > 0 ? s : 1;
      }
      for (let i = 0; i < n; i++) {
        const row = i * f;
        for (let j = 0; j < f; j++) x[row + j]! /= scale[j]!;
      }
    }
    // ±1 targets, centred.
    const y = new Float64Array(n * targets);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < targets; t++) {
        const positive = targets === 1 ? codes[i] === 1 : codes[i] === t;
        y[i * targets + t] = positive ? 1 : -1;
      }
    }
    const yMean = new Float64Array(targets);
    for (let i = 0; i < n; i++) for (let t = 0; t < targets; t++) yMean[t]! += y[i * targets + t]!;
    for (let t = 0; t < targets; t++) yMean[t]! /= n;
    for (let i = 0; i < n; i++) for (let t = 0; t < targets; t++) y[i * targets + t]! -= yMean[t]!;
    // Gram matrix plus the intercept column's outer product (scikit-learn _RidgeGCV._compute_gram).
    const gram = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      const ra = a * f;
      for (let b = a; b < n; b++) {
        const rb = b * f;
        let s = 0;
        for (let j = 0; j < f; j++) s += x[ra + j]! * x[rb + j]!;
        gram[a * n + b] = s + 1;
        gram[b * n + a] = s + 1;
      }
    }
    const { values: eigenvalues, vectors: q } = symmetricEigen(gram, n);
    // The eigenvector closest to the constant direction carries the intercept: no penalty on it.
    let interceptDim = 0;
    let bestAlign = -1;
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[i * n + k]!;
      const align = Math.abs(s);
      if (align > bestAlign) [bestAlign, interceptDim] = [align, k];
    }
    const qty = new Float64Array(n * targets);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        const qik = q[i * n + k]!;
        for (let t = 0; t < targets; t++) qty[k * targets + t]! += qik * y[i * targets + t]!;
      }
    }
    const dual = (alpha: number) => {
      const w = new Float64Array(n);
      for (let k = 0; k < n; k++) w[k] = k === interceptDim ? 0 : 1 / (eigenvalues[k]! + alpha);
      const c = new Float64Array(n * targets);
      const diag = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) {
          const qik = q[i * n + k]!;
          const wk = w[k]!;
          diag[i]! += wk * qik * qik;
          for (let t = 0; t < targets; t++) c[i * targets + t]! += qik * wk * qty[k * targets + t]!;
        }
      }
      return { c, diag };
    };
    const looErrors: number[] = [];
    let bestIndex = 0;
    for (let a = 0; a < this.alphas.length; a++) {
      const { c, diag } = dual(this.alphas[a]!);
      let err = 0;
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < targets; t++) {
          const r = c[i * targets + t]! / diag[i]!;
          err += r * r;
        }
      }
      looErrors.push(err / (n * targets));
      if (looErrors[a]! < looErrors[bestIndex]!) bestIndex = a;
    }
    const alpha = this.alphas[bestIndex]!;
    const { c } = dual(alpha);
    const coef = new Float64Array(f * targets);
    for (let i = 0; i < n; i++) {
      const row = i * f;
      for (let t = 0; t < targets; t++) {
        const ci = c[i * targets + t]!;
        if (ci === 0) continue;
        for (let j = 0; j < f; j++) coef[j * targets + t]! += x[row + j]! * ci;
      }
    }
    this.featureCount = f;
    this.classCount = classes;
    this.mean = mean;
    this.scale = scale;
    this.coef = coef;
    this.intercept = yMean;
    this.summary = { alpha, looErrors };
    return this;
  }

  /**
   * Decision values.
   *
   * @param features - `[m, featureCount]` row-major.
   * @returns `[m, targets]` (targets = 1 for two classes, else K).
   */
  decisionFunction(features: ArrayLike<number>): Float64Array {
    const { mean, scale, coef, intercept } = this;
    if (!mean || !scale || !coef || !intercept) throw new Error('RidgeClassifierCV: call fit() first');
    const f = this.featureCount;
    if (features.length % f !== 0) {
      throw new RangeError(`RidgeClassifierCV: features length ${features.length} is not a multiple of ${f}`);
    }
    const m = features.length / f;
    const targets = intercept.length;
    const out = new Float64Array(m * targets);
    const xs = new Float64Array(f);
    for (let i = 0; i < m; i++) {
      const row = i * f;
      for (let j = 0; j < f; j++) xs[j] = (features[row + j]! - mean[j]!) / scale[j]!;
      for (let t = 0; t < targets; t++) {
        let s = intercept[t]!;
        for (let j = 0; j < f; j++) s += xs[j]! * coef[j * targets + t]!;
        out[i * targets + t] = s;
      }
    }
    return out;
  }

  /**
   * Predicted class codes.
   *
   * @param features - `[m, featureCount]` row-major.
   * @returns `[m]` class codes.
   */
  predict(features: ArrayLike<number>): Int32Array {
    const decision = this.decisionFunction(features);
    const targets = this.classCount === 2 ? 1 : this.classCount;
    const m = decision.length / targets;
    const out = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      if (targets === 1) {
        out[i] = decision[i]! > 0 ? 1 : 0;
        continue;
      }
      let best = 0;
      for (let t = 1; t < targets; t++)
        if (decision[i * targets + t]! > decision[i * targets + best]!) best = t;
      out[i] = best;
    }
    return out;
  }
}
