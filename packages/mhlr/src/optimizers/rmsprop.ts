import * as tf from '@tensorflow/tfjs-core';

import { boolean, finiteNumber } from '../internal/validate';
import {
  ScheduledOptimizer,
  type ScheduledOptimizerOptions,
  type VariableSlots,
} from './scheduled-optimizer';

/** Options of {@link RMSprop}. */
export interface RMSpropOptions extends ScheduledOptimizerOptions {
  /** Smoothing constant α of the squared-gradient average. Default `0.99` (PyTorch). */
  alpha?: number;
  /** ε added to the root (outside it, as PyTorch; tfjs adds it inside). Default `1e-8`. */
  epsilon?: number;
  /** Momentum factor. Default `0`. */
  momentum?: number;
  /** Centred variant: normalise by an estimate of the gradient's variance. Default `false`. */
  centered?: boolean;
}

/**
 * RMSprop (Hinton, Coursera lecture 6e) with PyTorch `torch.optim.RMSprop` semantics and a settable
 * learning rate:
 *
 *     s ← α·s + (1 − α)·g²;  centred: ḡ ← α·ḡ + (1 − α)·g,  a = √(s − ḡ²) + ε, else a = √s + ε
 *     momentum: b ← μ·b + g/a, w ← w − lr·b;  otherwise w ← w − lr·g/a
 *
 * @example
 * const optimizer = new RMSprop({ learningRate: 1e-3, momentum: 0.9, centered: true });
 */
export class RMSprop extends ScheduledOptimizer {
  static readonly className = 'FrxRMSprop';
  private readonly alpha: number;
  private readonly epsilon: number;
  private readonly momentum: number;
  private readonly centered: boolean;

  constructor(options: RMSpropOptions) {
    super('RMSprop', options, ['alpha', 'epsilon', 'momentum', 'centered']);
    this.alpha = finiteNumber('RMSprop', 'alpha', options.alpha, 0.99, { min: 0, max: 1 });
    this.epsilon = finiteNumber('RMSprop', 'epsilon', options.epsilon, 1e-8, { min: 0, minExclusive: true });
    this.momentum = finiteNumber('RMSprop', 'momentum', options.momentum, 0, { min: 0 });
    this.centered = boolean('RMSprop', 'centered', options.centered, false);
  }

  protected updateVariable(
    variable: tf.Variable,
    gradient: tf.Tensor,
    slots: VariableSlots,
    decay: boolean,
  ): void {
    const g = decay ? tf.add(gradient, tf.mul(variable, this.weightDecay)) : gradient;
    const s0 = slots.get('square');
    const square = tf.add(
      s0 === undefined ? tf.zerosLike(g) : tf.mul(s0, this.alpha),
      tf.mul(tf.square(g), 1 - this.alpha),
    );
    slots.set('square', square);
    let variance: tf.Tensor = square;
    if (this.centered) {
      const a0 = slots.get('mean');
      const mean = tf.add(
        a0 === undefined ? tf.zerosLike(g) : tf.mul(a0, this.alpha),
        tf.mul(g, 1 - this.alpha),
      );
      slots.set('mean', mean);
      variance = tf.sub(square, tf.square(mean));
    }
    const denominator = tf.add(tf.sqrt(variance), this.epsilon);
    let step = tf.div(g, denominator);
    if (this.momentum > 0) {
      const b0 = slots.get('momentum');
      step = b0 === undefined ? step : tf.add(tf.mul(b0, this.momentum), step);
      slots.set('momentum', step);
    }
    variable.assign(tf.sub(variable, tf.mul(step, this.lr)));
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { alpha: this.alpha, epsilon: this.epsilon, momentum: this.momentum, centered: this.centered };
  }
}
