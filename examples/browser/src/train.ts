import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cylinderBellFunnel, inceptionTime, recomputeBatchNormStatistics } from '@frx/kdctime';
import { Adam, FastFaceScheduler } from '@frx/mhlr';

/** Options of {@link trainCbf}; the defaults train in well under a minute on wasm. */
export interface TrainCbfOptions {
  /** Passes over the training set. Default `30`. */
  epochs?: number;
  /** Series per step. Default `16`. */
  batchSize?: number;
  /** Generated training series (a third per class). Default `48`. */
  trainSize?: number;
  /** Initial learning rate of Adam, then driven by the FastFace (MHLR v2) scheduler. Default `0.01`. */
  lr?: number;
  /** Seed of the data, the weights and the batch order. Default `1`. */
  seed?: number;
  /** Called after every step with its loss and the learning rate the scheduler chose for the next one. */
  onStep?: (step: { step: number; loss: number; lr: number }) => void | Promise<void>;
}

/** What {@link trainCbf} returns. */
export interface TrainCbfResult {
  losses: number[];
  learningRates: number[];
  testAccuracy: number;
  seconds: number;
}

const LENGTH = 128;

/**
 * Trains a small InceptionTime (Ismail Fawaz et al. 2020, as in @frx/kdctime) on generated
 * Cylinder-Bell-Funnel (Saito 1994) with a plain `optimizer.minimize` loop, Adam of @frx/mhlr and its
 * FastFace scheduler (MHLR v2) setting the learning rate after every step.
 */
export async function trainCbf(options: TrainCbfOptions = {}): Promise<TrainCbfResult> {
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 16;
  const seed = options.seed ?? 1;
  const { train, test } = cylinderBellFunnel({
    trainSize: options.trainSize ?? 48,
    testSize: 150,
    length: LENGTH,
    seed,
  });
  const model: tfl.LayersModel = inceptionTime({
    classes: 3,
    length: LENGTH,
    depth: 3,
    filters: 8,
    kernelSizes: [9, 5, 3],
    bottleneck: 8,
    residual: true,
    seed,
  });
  const stepsPerEpoch = Math.ceil(train.codes.length / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const scheduler = new FastFaceScheduler({ lr: options.lr ?? 0.01, totalSteps });
  const optimizer = new Adam({ learningRate: scheduler.lr });
  const x = tf.tensor3d(Float32Array.from(train.series.values), [train.codes.length, LENGTH, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(train.codes), 'int32'), 3));
  const losses: number[] = [];
  const learningRates: number[] = [];
  const started = performance.now();
  let order = Array.from({ length: train.codes.length }, (_, i) => i);
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let epoch = 0; epoch < epochs; epoch++) {
    order = order
      .map((v) => [random(), v] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => v);
    for (let start = 0; start < order.length; start += batchSize) {
      const indices = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
      const xb = tf.gather(x, indices);
      const yb = tf.gather(y, indices) as tf.Tensor2D;
      optimizer.setLearningRate(scheduler.lr);
      const loss = optimizer.minimize(() => {
        const logits = model.apply(xb, { training: true }) as tf.Tensor2D;
        return tf.losses.softmaxCrossEntropy<tf.Tensor2D, tf.Scalar>(yb, logits);
      }, true)!;
      const value = (await loss.data())[0]!;
      tf.dispose([indices, xb, yb, loss]);
      scheduler.step(value);
      losses.push(value);
      learningRates.push(scheduler.lr);
      await options.onStep?.({ step: losses.length, loss: value, lr: scheduler.lr });
    }
  }
  // A custom loop leaves BatchNorm's moving statistics at their start values: set them to the
  // population statistics of the training set before inference (precise BN, as kdctime does).
  recomputeBatchNormStatistics(model, train.series);
  const seconds = (performance.now() - started) / 1000;
  const testAccuracy = tf.tidy(() => {
    const logits = model.predict(
      tf.tensor3d(Float32Array.from(test.series.values), [test.codes.length, LENGTH, 1]),
    ) as tf.Tensor2D;
    const hits = tf.equal(tf.argMax(logits, 1), tf.tensor1d(Int32Array.from(test.codes), 'int32'));
    return tf.mean(tf.cast(hits, 'float32')).dataSync()[0]!;
  });
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return { losses, learningRates, testAccuracy, seconds };
}
