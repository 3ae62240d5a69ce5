import * as tf from '@tensorflow/tfjs-core';

import { InvalidOptionError } from '../errors';
import { boolean, finiteNumber } from '../internal/validate';
import {
  ScheduledOptimizer,
  type ScheduledOptimizerOptions,
  type VariableSlots,
} from './scheduled-optimizer';

/** Options of {@link SGD}. */
export interface SGDOptions extends ScheduledOptimizerOptions {
  /** Momentum factor μ. Default `0` (plain SGD). */
  momentum?: number;
  /** Dampening d of the momentum buffer update. Default `0`. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default `false`. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent with PyTorch `torch.optim.SGD` semantics, a settable learning rate, and
 * the `@frx/mhlr` extras (weight-decay filter, global-norm clipping, name-keyed JSON state):
 *
 *     g ← g + wd·w                         (coupled weight decay, filtered variables only)
 *     b ← g on the first step, else μ·b + (1 − d)·g
 *     g ← g + μ·b (Nesterov) or g ← b
 *     w ← w − lr·g
 *
 * The buffer is not rescaled when the rate changes (PyTorch, and tfjs `MomentumOptimizer` when d = 0).
 * FastFace recipe: `new SGD({ learningRate: 0.02, momentum: 0.9, weightDecay: 5e-4, clipGradNorm: 5 })`.
 *
 * @example
 * const optimizer = new SGD({ learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 * optimizer.setLearningRate(0.01); // any time
 */
export class SGD extends ScheduledOptimizer {
  static readonly className = 'FrxSGD';
  private readonly momentum: number;
  private readonly dampening: number;
  private readonly nesterov: boolean;

  constructor(options: SGDOptions) {
    super('SGD', options, ['momentum', 'dampening', 'nesterov']);
    this.momentum = finiteNumber('SGD', 'momentum', options.momentum, 0, { min: 0 });
    this.dampening = finiteNumber('SGD', 'dampening', options.dampening, 0, { min: 0, max: 1 });
    this.nesterov = boolean('SGD', 'nesterov', options.nesterov, false);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new InvalidOptionError('SGD', 'nesterov', 'requires momentum > 0 and dampening 0');
    }
  }

  protected updateVariable(
    variable: tf.Variable,
    gradient: tf.Tensor,
    slots: VariableSlots,
    decay: boolean,
  ): void {
    let g = decay ? tf.add(gradient, tf.mul(variable, this.weightDecay)) : gradient;
    if (this.momentum > 0) {
      const previous = slots.get('momentum');
      const buffer =
        previous === undefined ? g : tf.add(tf.mul(previous, this.momentum), tf.mul(g, 1 - this.dampening));
      slots.set('momentum', buffer);
      g = this.nesterov ? tf.add(g, tf.mul(buffer, this.momentum)) : buffer;
    }
    variable.assign(tf.sub(variable, tf.mul(g, this.lr)));
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov };
  }
}
