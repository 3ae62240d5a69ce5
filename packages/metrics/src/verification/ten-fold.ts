import {
  addMatrices,
  type EmbeddingsInput,
  MetricInputError,
  normalizeRows,
  rowDots,
  squaredDistances,
  toLabels,
  toMatrix,
} from './embeddings';
import { kFoldRanges } from './k-fold';

/** Verification protocols of {@link tenFoldVerification}. */
export type VerificationProtocol = 'insightface' | 'faceXZoo';

/** Options of {@link tenFoldVerification}. */
export interface TenFoldOptions {
  /**
   * `'insightface'` (default): squared L2 distance of normalised embeddings, 400 thresholds 0, 0.01 … 3.99,
   * "same ⇔ d < t", best accuracy on the other folds, mean ± population std (insightface
   * `recognition/arcface_torch/eval/verification.py`). `'faceXZoo'`: cosine similarity, 1000 thresholds over
   * the training folds' score span, Youden's J (TPR − FPR), "same ⇔ score > t", mean ± standard error
   * (FaceX-Zoo `test_protocol/lfw/lfw_evaluator.py`).
   */
  protocol?: VerificationProtocol;
  /** Number of folds. Default 10. */
  folds?: number;
  /** Embedding width, required for flat typed arrays. Default: taken from the input. */
  dim?: number;
  /**
   * Embeddings of the horizontally flipped images (same shapes as A and B). When given, each side becomes
   * `normalize(original + flipped)`: insightface's flip-sum ("Accuracy-Flip"). Default none: the caller's
   * embeddings are used as they are.
   */
  flipped?: { a: EmbeddingsInput; b: EmbeddingsInput };
  /** L2-normalise the embeddings (after any flip-sum). Default true (both originals do). */
  normalize?: boolean;
  /**
   * insightface protocol only: target FAR of the VAL@FAR figure (4000 thresholds 0 … 3.999). `null` skips
   * it. Default 1e-3.
   */
  farTarget?: number | null;
}

/** VAL (TAR) at a target FAR, insightface `calculate_val`. */
export interface ValAtFar {
  /** The requested FAR. */
  farTarget: number;
  /** Mean over folds of the true-accept rate on the held-out fold. */
  val: number;
  /** Population standard deviation of the per-fold VAL. */
  valStd: number;
  /** Mean over folds of the measured FAR on the held-out fold. */
  far: number;
}

/** What {@link tenFoldVerification} reports. */
export interface VerificationResult {
  protocol: VerificationProtocol;
  /** Mean held-out accuracy over the folds. */
  accuracy: number;
  /**
   * The protocol's spread: population std (ddof 0) of the fold accuracies for insightface; the standard
   * error std(ddof 1)/√folds for FaceX-Zoo.
   */
  std: number;
  /** Mean of the per-fold best thresholds (a distance for insightface, a cosine for FaceX-Zoo). */
  threshold: number;
  /** Held-out accuracy of each fold. */
  foldAccuracies: number[];
  /** The threshold chosen on the other folds, for each fold. */
  foldThresholds: number[];
  /**
   * ROC points. insightface: mean over folds of the held-out TPR and FPR at each of the 400 distance
   * thresholds ("same ⇔ d < t"). FaceX-Zoo: TPR and FPR of all pairs at the 1000 cosine thresholds
   * spanning their scores ("same ⇔ score > t").
   */
  roc: { thresholds: number[]; tpr: number[]; fpr: number[] };
  /** insightface only, unless `farTarget` is null. */
  valAtFar?: ValAtFar;
}

const OPTION_KEYS = ['protocol', 'folds', 'dim', 'flipped', 'normalize', 'farTarget'];

/** insightface accuracy grid: `np.arange(0, 4, 0.01)`, element k = 0 + k·0.01 as numpy computes it. */
const ACCURACY_THRESHOLDS = Array.from({ length: 400 }, (_, k) => k * 0.01);
/** insightface VAL grid: `np.arange(0, 4, 0.001)`. */
const VAL_THRESHOLDS = Array.from({ length: 4000 }, (_, k) => k * 0.001);
/** FaceX-Zoo threshold count (`getThreshold(..., thrNum=1000)`). */
const FACEXZOO_THRESHOLDS = 1000;

/** Number of entries of a sorted array strictly below `t`. */
function countBelow(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of entries of a sorted array strictly above `t`. */
function countAbove(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

/** Scores split by label and sorted ascending. */
interface Split {
  same: Float64Array;
  diff: Float64Array;
}

function split(scores: Float64Array, labels: boolean[], include: (i: number) => boolean): Split {
  const same: number[] = [];
  const diff: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (!include(i)) continue;
    (labels[i] ? same : diff).push(scores[i]!);
  }
  return { same: Float64Array.from(same).sort(), diff: Float64Array.from(diff).sort() };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function std(values: number[], ddof: number): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - ddof));
}

function insightface(
  distances: Float64Array,
  labels: boolean[],
  folds: number,
  farTarget: number | null,
): VerificationResult {
  const ranges = kFoldRanges(distances.length, folds);
  const foldAccuracies: number[] = [];
  const foldThresholds: number[] = [];
  const tprSum = new Float64Array(ACCURACY_THRESHOLDS.length);
  const fprSum = new Float64Array(ACCURACY_THRESHOLDS.length);
  const vals: number[] = [];
  const fars: number[] = [];
  for (const [start, end] of ranges) {
    const train = split(distances, labels, (i) => i < start || i >= end);
    const test = split(distances, labels, (i) => i >= start && i < end);
    // Best threshold on the training folds: first maximiser of (TP + TN) (np.argmax semantics).
    let best = 0;
    let bestCorrect = -1;
    ACCURACY_THRESHOLDS.forEach((t, k) => {
      const correct = countBelow(train.same, t) + train.diff.length - countBelow(train.diff, t);
      if (correct > bestCorrect) {
        bestCorrect = correct;
        best = k;
      }
    });
    const threshold = ACCURACY_THRESHOLDS[best]!;
    const testSize = end - start;
    foldThresholds.push(threshold);
    foldAccuracies.push(
      (countBelow(test.same, threshold) + test.diff.length - countBelow(test.diff, threshold)) / testSize,
    );
    ACCURACY_THRESHOLDS.forEach((t, k) => {
      const tp = countBelow(test.same, t);
      const fp = countBelow(test.diff, t);
      tprSum[k]! += test.same.length === 0 ? 0 : tp / test.same.length;
      fprSum[k]! += test.diff.length === 0 ? 0 : fp / test.diff.length;
    });
    if (farTarget !== null) {
      const valFar = (t: number, s: Split) => ({
        val: s.same.length === 0 ? 0 : countBelow(s.same, t) / s.same.length,
        far: s.same.length === 0 ? 0 : countBelow(s.diff, t) / Math.max(s.diff.length, 1),
      });
      const farTrain = VAL_THRESHOLDS.map((t) => valFar(t, train).far);
      let threshold = 0;
      if (Math.max(...farTrain) >= farTarget) {
        // FAR is a non-decreasing step function of the threshold: interpolate linearly between the last grid
        // point below the target and the first at or above it (SciPy's interp1d on the plateaus is
        // ill-defined; differences are below one grid step, 0.001).
        const hi = farTrain.findIndex((far) => far >= farTarget);
        if (hi === 0) threshold = VAL_THRESHOLDS[0]!;
        else {
          const lo = hi - 1;
          const [f0, f1] = [farTrain[lo]!, farTrain[hi]!];
          threshold =
            VAL_THRESHOLDS[lo]! +
            ((farTarget - f0) / (f1 - f0)) * (VAL_THRESHOLDS[hi]! - VAL_THRESHOLDS[lo]!);
        }
      }
      const { val, far } = valFar(threshold, test);
      vals.push(val);
      fars.push(far);
    }
  }
  const result: VerificationResult = {
    protocol: 'insightface',
    accuracy: mean(foldAccuracies),
    std: std(foldAccuracies, 0),
    threshold: mean(foldThresholds),
    foldAccuracies,
    foldThresholds,
    roc: {
      thresholds: ACCURACY_THRESHOLDS.slice(),
      tpr: Array.from(tprSum, (v) => v / folds),
      fpr: Array.from(fprSum, (v) => v / folds),
    },
  };
  if (farTarget !== null)
    result.valAtFar = { farTarget, val: mean(vals), valStd: std(vals, 0), far: mean(fars) };
  return result;
}

/** FaceX-Zoo `getThreshold`: 1000 thresholds over the score span, first maximiser of TPR − FPR. */
function youdenThreshold(s: Split): { thresholds: number[]; tpr: number[]; fpr: number[]; best: number } {
  const min = Math.min(s.same[0] ?? Infinity, s.diff[0] ?? Infinity);
  const max = Math.max(s.same[s.same.length - 1] ?? -Infinity, s.diff[s.diff.length - 1] ?? -Infinity);
  const step = (max - min) / FACEXZOO_THRESHOLDS;
  const thresholds = Array.from({ length: FACEXZOO_THRESHOLDS }, (_, k) => min + step * (k + 1));
  const tpr = thresholds.map((t) => countAbove(s.same, t) / s.same.length);
  const fpr = thresholds.map((t) => countAbove(s.diff, t) / s.diff.length);
  let best = 0;
  for (let k = 1; k < thresholds.length; k++) if (tpr[k]! - fpr[k]! > tpr[best]! - fpr[best]!) best = k;
  return { thresholds, tpr, fpr, best };
}

function faceXZoo(scores: Float64Array, labels: boolean[], folds: number): VerificationResult {
  const foldAccuracies: number[] = [];
  const foldThresholds: number[] = [];
  for (const [start, end] of kFoldRanges(scores.length, folds)) {
    const train = split(scores, labels, (i) => i < start || i >= end);
    const { thresholds, best } = youdenThreshold(train);
    const t = thresholds[best]!;
    let correct = 0;
    for (let i = start; i < end; i++) if (labels[i] ? scores[i]! > t : scores[i]! < t) correct++;
    foldThresholds.push(t);
    foldAccuracies.push(correct / (end - start));
  }
  const all = youdenThreshold(split(scores, labels, () => true));
  return {
    protocol: 'faceXZoo',
    accuracy: mean(foldAccuracies),
    std: std(foldAccuracies, 1) / Math.sqrt(folds),
    threshold: mean(foldThresholds),
    foldAccuracies,
    foldThresholds,
    roc: { thresholds: all.thresholds, tpr: all.tpr, fpr: all.fpr },
  };
}

/**
 * K-fold face verification accuracy of embedding pairs, following insightface's protocol exactly
 * (the reference for LFW, CFP-FP, AgeDB-30 numbers) or FaceX-Zoo's variant.
 *
 * insightface: optional flip-sum, L2 normalisation, squared L2 distances, thresholds 0, 0.01 … 3.99,
 * contiguous unshuffled folds (scikit-learn `KFold(shuffle=False)`: the first `pairs % folds` folds get one
 * extra pair), per fold the first threshold maximising accuracy on the other folds with "same ⇔ d < t",
 * mean and population std of the held-out accuracies, ROC averaged over folds, VAL@FAR 1e-3.
 * Distances are computed in float64.
 *
 * @param embeddingsA first image of each pair, `[pairs, dim]`.
 * @param embeddingsB second image of each pair, `[pairs, dim]`.
 * @param issame `[pairs]` booleans (or 0/1): whether the pair shows the same identity.
 * @param options `protocol` ('insightface'), `folds` (10), `dim`, `flipped` (none), `normalize` (true),
 *   `farTarget` (1e-3).
 * @returns accuracy, std, mean threshold, per-fold accuracies and thresholds, ROC points, VAL@FAR.
 *
 * @example
 * const { accuracy, std } = tenFoldVerification(e1, e2, issame, { flipped: { a: e1Flip, b: e2Flip } });
 * console.log(`Accuracy-Flip: ${accuracy.toFixed(5)}+-${std.toFixed(5)}`);
 */
export function tenFoldVerification(
  embeddingsA: EmbeddingsInput,
  embeddingsB: EmbeddingsInput,
  issame: ArrayLike<boolean | number>,
  options: TenFoldOptions = {},
): VerificationResult {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new MetricInputError(
        `tenFoldVerification: unknown option '${key}' (known: ${OPTION_KEYS.join(', ')})`,
      );
    }
  }
  const { protocol = 'insightface', folds = 10, dim, flipped, normalize = true, farTarget = 1e-3 } = options;
  if (protocol !== 'insightface' && protocol !== 'faceXZoo') {
    throw new MetricInputError(
      `tenFoldVerification: option 'protocol' must be 'insightface' or 'faceXZoo', got ${String(protocol)}`,
    );
  }
  let a = toMatrix(embeddingsA, 'embeddingsA', dim);
  let b = toMatrix(embeddingsB, 'embeddingsB', dim);
  if (a.rows !== b.rows || a.dim !== b.dim) {
    throw new MetricInputError(
      `tenFoldVerification: embeddingsB [${b.rows}, ${b.dim}] differs from embeddingsA [${a.rows}, ${a.dim}]`,
    );
  }
  if (!Number.isInteger(folds) || folds < 2 || folds > a.rows) {
    throw new MetricInputError(
      `tenFoldVerification: option 'folds' must be an integer in [2, ${a.rows}], got ${folds}`,
    );
  }
  if (farTarget !== null && !(farTarget > 0 && farTarget <= 1)) {
    throw new MetricInputError(
      `tenFoldVerification: option 'farTarget' must be in (0, 1] or null, got ${farTarget}`,
    );
  }
  const labels = toLabels(issame, a.rows);
  if (flipped !== undefined) {
    a = addMatrices(a, toMatrix(flipped.a, 'flipped.a', dim), 'flipped.a');
    b = addMatrices(b, toMatrix(flipped.b, 'flipped.b', dim), 'flipped.b');
  }
  if (normalize) {
    normalizeRows(a);
    normalizeRows(b);
  }
  return protocol === 'insightface'
    ? insightface(squaredDistances(a, b), labels, folds, farTarget)
    : faceXZoo(rowDots(a, b), labels, folds);
}
