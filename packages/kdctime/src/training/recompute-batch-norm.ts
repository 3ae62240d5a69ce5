import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { rejectUnknownOptions } from '../internal/validate';
import type { SeriesMatrix } from '../rocket/series-matrix';

/** Options of {@link recomputeBatchNormStatistics}. */
export interface RecomputeBatchNormOptions {
  /** Series per training-mode forward pass. Default 256 (one pass for every small UCR training set). */
  batchSize?: number;
}

/**
 * Replaces the moving mean and variance of every `BatchNormalization` layer of a model by the statistics of its
 * input over the given series ("precise BN", Wu & Johnson, arXiv 2105.07576, §3; the same idea as SWA's
 * `update_bn`). Each layer's input is computed in training mode, i.e. with the layers before it normalising by
 * batch statistics — exactly the inputs the layer saw during training — and its population mean and biased
 * variance (the variance the layer normalises with in training) are written to `moving_mean` / `moving_variance`.
 *
 * Why: InceptionTime's Keras batch normalisation (momentum 0.99) averages over ~460 steps; with the few hundred
 * steps a CPU budget allows on a small UCR training set, the moving statistics still carry their initial (0, 1)
 * values and inference-mode accuracy lags the training loss far behind (see the package README for figures).
 * At convergence the recomputed statistics equal what the moving averages tend to.
 *
 * With more series than `batchSize`, the forward passes run in chunks and the statistics are pooled over all
 * series (per-chunk two-pass moments, combined in float64). Layers the model calls more than once (shared BN)
 * are rejected; batch normalisation inside nested models is not visited. The model's weights are changed in
 * place; no other state is touched.
 *
 * @param model - a model containing `BatchNormalization` layers (channel axis last), e.g. {@link inceptionTime}.
 * @param series - `[cases, length, channels]`, typically the training series.
 * @param options - see {@link RecomputeBatchNormOptions}.
 * @returns the number of batch-normalisation layers updated.
 *
 * @example
 * await trainClassifier(teacher, train, { epochs: 100, batchNormStatistics: 'moving' });
 * recomputeBatchNormStatistics(teacher, train.series);
 */
export function recomputeBatchNormStatistics(
  model: tfl.LayersModel,
  series: SeriesMatrix,
  options: RecomputeBatchNormOptions = {},
): number {
  const owner = 'recomputeBatchNormStatistics';
  rejectUnknownOptions(owner, options, ['batchSize']);
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`${owner}: batchSize must be a positive integer, got ${batchSize}`);
  }
  const [cases, length, channels] = series.shape;
  if (series.values.length !== cases * length * channels || cases < 1) {
    throw new RangeError(
      `${owner}: values length ${series.values.length} does not match shape [${series.shape.join(', ')}] (at least one series needed)`,
    );
  }
  const layers = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
  if (layers.length === 0) return 0;
  for (const layer of layers) {
    if (layer.inboundNodes.length !== 1) {
      throw new Error(
        `${owner}: layer "${layer.name}" is called ${layer.inboundNodes.length} times; shared batch normalisation is not supported`,
      );
    }
    const axis = (layer.getConfig() as { axis?: number }).axis ?? -1;
    const rank = (layer.input as tfl.SymbolicTensor).shape.length;
    if (axis !== -1 && axis !== rank - 1) {
      throw new Error(
        `${owner}: layer "${layer.name}" normalises axis ${axis}; only the last axis is supported`,
      );
    }
  }
  const probe = tfl.model({
    inputs: model.inputs,
    outputs: layers.map((l) => l.input as tfl.SymbolicTensor),
  });
  // The training-mode pass below also moves the layers' moving averages; they are overwritten at the end.
  // Per chunk, each layer's per-channel mean and (biased) variance come from a two-pass tf.moments; chunks are
  // pooled on the host in float64 (Chan et al.'s parallel update), so no E[x²] − E[x]² cancellation.
  const count = layers.map(() => 0);
  const mean = layers.map(() => null as Float64Array | null);
  const m2 = layers.map(() => null as Float64Array | null);
  const values = Float32Array.from(series.values);
  for (let from = 0; from < cases; from += batchSize) {
    const size = Math.min(batchSize, cases - from);
    const chunk = tf.tidy(() => {
      const x = tf.tensor3d(values.subarray(from * length * channels, (from + size) * length * channels), [
        size,
        length,
        channels,
      ]);
      const raw = probe.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(raw) ? raw : [raw]).map((input) => {
        const flat = tf.reshape(input, [-1, input.shape.at(-1)!]);
        const moments = tf.moments(flat, 0);
        return { rows: flat.shape[0], mean: moments.mean.dataSync(), variance: moments.variance.dataSync() };
      });
    });
    chunk.forEach(({ rows, mean: chunkMean, variance: chunkVariance }, i) => {
      const before = count[i]!;
      const total = before + rows;
      const runningMean = (mean[i] ??= new Float64Array(chunkMean.length));
      const runningM2 = (m2[i] ??= new Float64Array(chunkMean.length));
      for (let c = 0; c < chunkMean.length; c++) {
        const delta = chunkMean[c]! - runningMean[c]!;
        runningMean[c]! += (delta * rows) / total;
        runningM2[c]! += chunkVariance[c]! * rows + ((delta * delta * before) / total) * rows;
      }
      count[i] = total;
    });
  }
  tf.tidy(() => {
    layers.forEach((layer, i) => {
      const weights = layer.weights;
      const movingMean = weights.find((w) => /moving_mean/.test(w.originalName));
      const movingVariance = weights.find((w) => /moving_variance/.test(w.originalName));
      if (!movingMean || !movingVariance) {
        throw new Error(`${owner}: layer "${layer.name}" has no moving_mean / moving_variance weights`);
      }
      movingMean.write(tf.tensor1d(Float32Array.from(mean[i]!)));
      movingVariance.write(tf.tensor1d(Float32Array.from(m2[i]!, (v) => v / count[i]!)));
    });
  });
  return layers.length;
}
