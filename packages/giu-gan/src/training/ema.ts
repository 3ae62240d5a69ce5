import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { GanOptionError } from '../internal/validate';

/** EMA decay used by BigGAN-style generator averaging. */
export const GENERATOR_EMA_DECAY = 0.999;

/**
 * Exponential moving average of a model's trainable weights (the "EMA generator" of Karras et al. 2018 and
 * BigGAN): shadow ← d·shadow + (1 − d)·weight after every update. With `warmup` (default on) the decay of the
 * t-th update is d = min(decay, (1 + t) / (10 + t)), the `num_updates` rule of TensorFlow's
 * `tf.train.ExponentialMovingAverage`: without it a 0.999 average stays at the initial weights for the
 * first thousands of steps, which makes short runs sample from an untrained generator.
 * {@link ExponentialMovingAverage.run} swaps the averages in, runs a function, and swaps the live weights back.
 *
 * @example
 * const ema = new ExponentialMovingAverage(generator.trainableWeights, 0.999);
 * ema.update(); // after each generator step
 * const images = ema.run(() => generator.predict(z) as tf.Tensor4D);
 */
export class ExponentialMovingAverage {
  readonly decay: number;
  private readonly weights: tfl.LayerVariable[];
  readonly warmup: boolean;
  private readonly shadows: tf.Variable[];
  /** Updates done so far (t of the warm-up rule). */
  updates = 0;

  /**
   * @param weights the weights to average (e.g. `generator.trainableWeights`).
   * @param decay the final decay. Default `0.999`.
   * @param warmup use the TensorFlow `num_updates` warm-up. Default `true`.
   */
  constructor(weights: tfl.LayerVariable[], decay = GENERATOR_EMA_DECAY, warmup = true) {
    if (!(decay >= 0 && decay < 1))
      throw new GanOptionError(`ExponentialMovingAverage: decay must be in [0, 1), got ${decay}`);
    this.decay = decay;
    this.warmup = warmup;
    this.weights = weights;
    this.shadows = weights.map((w) => tf.variable(w.read(), false));
  }

  /** Moves the averages towards the current weights. */
  update(): void {
    this.updates += 1;
    const d = this.currentDecay();
    tf.tidy(() => {
      this.weights.forEach((w, i) => {
        const s = this.shadows[i]!;
        s.assign(tf.add(tf.mul(s, d), tf.mul(w.read(), 1 - d)));
      });
    });
  }

  /** The decay the latest update used. */
  currentDecay(): number {
    return this.warmup ? Math.min(this.decay, (1 + this.updates) / (10 + this.updates)) : this.decay;
  }

  /** Runs `fn` with the averaged weights in place of the live ones (restored afterwards, also on error). */
  run<T>(fn: () => T): T {
    const live = this.weights.map((w) => tf.clone(w.read()));
    try {
      this.weights.forEach((w, i) => w.write(this.shadows[i]!));
      return fn();
    } finally {
      this.weights.forEach((w, i) => w.write(live[i]!));
      tf.dispose(live);
    }
  }

  /** The averaged values (copies). */
  snapshot(): tf.Tensor[] {
    return this.shadows.map((s) => tf.clone(s));
  }

  /** Replaces the averages (same order and shapes as the weights). */
  load(values: tf.Tensor[]): void {
    if (values.length !== this.shadows.length) {
      throw new GanOptionError(
        `ExponentialMovingAverage.load: expected ${this.shadows.length} tensors, got ${values.length}`,
      );
    }
    values.forEach((v, i) => {
      const s = this.shadows[i]!;
      if (v.shape.join() !== s.shape.join()) {
        throw new GanOptionError(
          `ExponentialMovingAverage.load: tensor ${i} has shape [${v.shape.join(', ')}], expected [${s.shape.join(', ')}]`,
        );
      }
      s.assign(v);
    });
  }

  dispose(): void {
    tf.dispose(this.shadows);
  }
}
