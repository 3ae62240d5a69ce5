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
 * series (sums of x and x² accumulated in float32 per channel). Layers the model calls more than once (shared BN)
 * are rejected. The model's weights are changed in place; no other state is touched.
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
  const sums = layers.map(() => null as tf.Tensor1D | null);
  const squares = layers.map(() => null as tf.Tensor1D | null);
  const rows = layers.map(() => 0);
  const values = Float32Array.from(series.values);
  try {
    for (let from = 0; from < cases; from += batchSize) {
      const size = Math.min(batchSize, cases - from);
      tf.tidy(() => {
        const x = tf.tensor3d(values.subarray(from * length * channels, (from + size) * length * channels), [
          size,
          length,
          channels,
        ]);
        const raw = probe.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
        const inputs = Array.isArray(raw) ? raw : [raw];
        inputs.forEach((input, i) => {
          const width = input.shape.at(-1)!;
          const flat = tf.reshape(input, [-1, width]);
          const sum = tf.sum<tf.Tensor1D>(flat, 0);
          const square = tf.sum<tf.Tensor1D>(tf.square(flat), 0);
          const previousSum = sums[i];
          const previousSquare = squares[i];
          sums[i] = tf.keep(previousSum ? tf.add<tf.Tensor1D>(previousSum, sum) : sum);
          squares[i] = tf.keep(previousSquare ? tf.add<tf.Tensor1D>(previousSquare, square) : square);
          previousSum?.dispose();
          previousSquare?.dispose();
          rows[i]! += flat.shape[0];
        });
      });
    }
    tf.tidy(() => {
      layers.forEach((layer, i) => {
        const mean = tf.div(sums[i]!, rows[i]!);
        const variance = tf.relu(tf.sub(tf.div(squares[i]!, rows[i]!), tf.square(mean)));
        const weights = layer.weights;
        const movingMean = weights.find((w) => /moving_mean/.test(w.originalName));
        const movingVariance = weights.find((w) => /moving_variance/.test(w.originalName));
        if (!movingMean || !movingVariance) {
          throw new Error(`${owner}: layer "${layer.name}" has no moving_mean / moving_variance weights`);
        }
        movingMean.write(mean);
        movingVariance.write(variance);
      });
    });
  } finally {
    tf.dispose([...sums, ...squares].filter((t): t is tf.Tensor1D => t !== null));
  }
  return layers.length;
}
