import { type FeatureInput, GenerativeMetricError, toFeatureMatrix } from './feature-matrix';
import { type MetricSummary, summarize } from './kernel-inception-distance';

/** Options of {@link inceptionScore}. */
export interface InceptionScoreOptions {
  /** Number of consecutive splits. Default `10` (Salimans et al. 2016). */
  splits?: number;
  /** The input holds logits (a softmax is applied) instead of probabilities. Default `false`. */
  fromLogits?: boolean;
}

/**
 * Inception Score (Salimans et al., "Improved Techniques for Training GANs", 2016, arXiv 1606.03498):
 * IS = exp(mean_i KL(p(y|x_i) ‖ p̂(y))), p̂ the mean prediction of the split, computed on consecutive
 * splits (the original OpenAI code; shuffle beforehand for torch-fidelity's variant) and reported as
 * mean and population std over splits. 0·log 0 counts as 0.
 *
 * Needs a classifier's class probabilities; scores are only meaningful for a classifier of the image
 * domain (the 1008-class TF Inception for published numbers).
 *
 * @param predictions `[n, classes]` probabilities (or logits with `fromLogits`).
 * @example
 * const { mean, std } = inceptionScore(probabilities, { splits: 10 });
 */
export function inceptionScore(
  predictions: FeatureInput,
  options: InceptionScoreOptions = {},
): MetricSummary {
  for (const key of Object.keys(options)) {
    if (key !== 'splits' && key !== 'fromLogits')
      throw new GenerativeMetricError(`inceptionScore: unknown option '${key}'`);
  }
  const { splits = 10, fromLogits = false } = options;
  const p = toFeatureMatrix(predictions, 'inceptionScore');
  if (!Number.isInteger(splits) || splits < 1 || splits > p.rows) {
    throw new GenerativeMetricError(
      `inceptionScore: splits must be an integer in [1, ${p.rows}], got ${splits}`,
    );
  }
  const c = p.dim;
  const probs = new Float64Array(p.rows * c);
  for (let r = 0; r < p.rows; r++) {
    const row = r * c;
    if (fromLogits) {
      let max = -Infinity;
      for (let j = 0; j < c; j++) max = Math.max(max, p.data[row + j]!);
      let sum = 0;
      for (let j = 0; j < c; j++) sum += probs[row + j] = Math.exp(p.data[row + j]! - max);
      for (let j = 0; j < c; j++) probs[row + j] = probs[row + j]! / sum;
    } else {
      for (let j = 0; j < c; j++) {
        const v = p.data[row + j]!;
        if (v < 0)
          throw new GenerativeMetricError(
            `inceptionScore: negative probability ${v} at row ${r}, class ${j}`,
          );
        probs[row + j] = v;
      }
    }
  }
  const values: number[] = [];
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * p.rows) / splits);
    const end = Math.floor(((s + 1) * p.rows) / splits);
    const marginal = new Float64Array(c);
    for (let r = start; r < end; r++)
      for (let j = 0; j < c; j++) marginal[j] = marginal[j]! + probs[r * c + j]!;
    for (let j = 0; j < c; j++) marginal[j] = marginal[j]! / (end - start);
    let kl = 0;
    for (let r = start; r < end; r++) {
      for (let j = 0; j < c; j++) {
        const v = probs[r * c + j]!;
        if (v > 0) kl += v * (Math.log(v) - Math.log(marginal[j]!));
      }
    }
    values.push(Math.exp(kl / (end - start)));
  }
  return summarize(values);
}
