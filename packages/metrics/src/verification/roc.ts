import { MetricInputError, toLabels } from './embeddings';

/** ROC curve points, in increasing FPR. */
export interface RocCurve {
  /** False-positive rates. */
  fpr: number[];
  /** True-positive rates. */
  tpr: number[];
  /** Score thresholds ("positive ⇔ score ≥ threshold"); the first is `Infinity` (nothing accepted). */
  thresholds: number[];
}

/** Options of {@link rocCurve}. */
export interface RocOptions {
  /** Drop points on straight segments of the curve, as scikit-learn's default. Default true. */
  dropIntermediate?: boolean;
}

function checkScores(scores: ArrayLike<number>, name: string): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!))
      throw new MetricInputError(`${name}: score ${scores[i]} at index ${i} is not finite`);
  }
}

/**
 * ROC curve of similarity scores (higher = more likely the same identity), the same points as
 * scikit-learn `roc_curve(issame, scores)` (≥ 1.3: first threshold `Infinity`), which insightface's IJB-B/C
 * evaluation (`eval_ijbc.py`) uses.
 *
 * @param scores `[pairs]` similarity scores, e.g. cosines.
 * @param issame `[pairs]` booleans or 0/1; needs at least one positive and one negative.
 * @param options `dropIntermediate` (true).
 *
 * @example
 * const { fpr, tpr } = rocCurve(cosines, issame);
 */
export function rocCurve(
  scores: ArrayLike<number>,
  issame: ArrayLike<boolean | number>,
  options: RocOptions = {},
): RocCurve {
  for (const key of Object.keys(options)) {
    if (key !== 'dropIntermediate')
      throw new MetricInputError(`rocCurve: unknown option '${key}' (known: dropIntermediate)`);
  }
  const { dropIntermediate = true } = options;
  checkScores(scores, 'rocCurve');
  const labels = toLabels(issame, scores.length);
  const order = Array.from({ length: scores.length }, (_, i) => i);
  // Descending by score; among equal scores the later index first, as numpy's stable ascending
  // argsort reversed.
  order.sort((i, j) => scores[j]! - scores[i]! || j - i);
  let tps: number[] = [];
  let fps: number[] = [];
  let thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((index, rank) => {
    if (labels[index]) tp++;
    else fp++;
    const next = order[rank + 1];
    if (next === undefined || scores[next]! !== scores[index]!) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(scores[index]!);
    }
  });
  if (tp === 0 || fp === 0)
    throw new MetricInputError('rocCurve: issame needs at least one positive and one negative pair');
  if (dropIntermediate && tps.length > 2) {
    const keep = tps.map((_, k) => {
      if (k === 0 || k === tps.length - 1) return true;
      const d2f = fps[k + 1]! - 2 * fps[k]! + fps[k - 1]!;
      const d2t = tps[k + 1]! - 2 * tps[k]! + tps[k - 1]!;
      return d2f !== 0 || d2t !== 0;
    });
    tps = tps.filter((_, k) => keep[k]);
    fps = fps.filter((_, k) => keep[k]);
    thresholds = thresholds.filter((_, k) => keep[k]);
  }
  return {
    fpr: [0, ...fps.map((f) => f / fp)],
    tpr: [0, ...tps.map((t) => t / tp)],
    thresholds: [Infinity, ...thresholds],
  };
}

/** One TAR@FAR figure. */
export interface TarAtFar {
  /** The requested FAR. */
  far: number;
  /** TPR of the ROC point whose FPR is nearest to `far`. */
  tar: number;
  /** That point's actual FPR. */
  actualFar: number;
  /** That point's score threshold. */
  threshold: number;
}

/** The FAR targets of insightface's IJB-B/C table. */
export const IJB_FAR_TARGETS: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1];

/**
 * TAR at given FARs, insightface `eval_ijbc.py` style: on the ROC curve of {@link rocCurve}, the point whose
 * FPR is nearest to each target (ties: the higher-FPR point, as the flipped-array `min` there).
 *
 * @param scores `[pairs]` similarity scores.
 * @param issame `[pairs]` booleans or 0/1.
 * @param fars target FARs. Default {@link IJB_FAR_TARGETS}.
 *
 * @example
 * tarAtFar(templateCosines, issame, [1e-4])[0].tar; // IJB-C TAR@FAR=1e-4
 */
export function tarAtFar(
  scores: ArrayLike<number>,
  issame: ArrayLike<boolean | number>,
  fars: readonly number[] = IJB_FAR_TARGETS,
): TarAtFar[] {
  const roc = rocCurve(scores, issame);
  return fars.map((far) => {
    if (!(far >= 0 && far <= 1)) throw new MetricInputError(`tarAtFar: FAR ${far} is outside [0, 1]`);
    let best = roc.fpr.length - 1;
    for (let k = roc.fpr.length - 2; k >= 0; k--) {
      if (Math.abs(roc.fpr[k]! - far) < Math.abs(roc.fpr[best]! - far)) best = k;
    }
    return { far, tar: roc.tpr[best]!, actualFar: roc.fpr[best]!, threshold: roc.thresholds[best]! };
  });
}
