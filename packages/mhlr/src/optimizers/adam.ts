import * as tf from '@tensorflow/tfjs-core';

import { finiteNumber } from '../internal/validate';
import {
  ScheduledOptimizer,
  type ScheduledOptimizerOptions,
  type VariableSlots,
} from './scheduled-optimizer';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions extends ScheduledOptimizerOptions {
  /** Decay of the first moment β₁. Default `0.9`. */
  beta1?: number;
  /** Decay of the second moment β₂. Default `0.999`. */
  beta2?: number;
  /** ε added to the denominator. Default `1e-8` (PyTorch; tfjs/Keras use 1e-7). */
  epsilon?: number;
}

const ADAM_KEYS = ['beta1', 'beta2', 'epsilon'];

/**
 * Adam (Kingma & Ba 2015) with PyTorch `torch.optim.Adam` semantics and a settable learning rate; the
 * optional `weightDecay` is coupled L2 (`g ← g + wd·w`), as in PyTorch Adam. For decoupled decay use
 * {@link AdamW}. Per variable, with its own step count t:
 *
 *     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *     w ← w − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * @example
 * const optimizer = new Adam({ learningRate: 1e-3 });
 * const scheduler = new ReduceLROnPlateau({ lr: 1e-3, factor: 0.5, patience: 50, minLr: 1e-4 });
 * // after each epoch: optimizer.setLearningRate(scheduler.step(epochLoss));
 */
export class Adam extends ScheduledOptimizer {
  static readonly className: string = 'FrxAdam';
  protected readonly beta1: number;
  protected readonly beta2: number;
  protected readonly epsilon: number;
  /** `true` for AdamW: decay multiplies the weights instead of adding to the gradient. */
  protected readonly decoupled: boolean;

  constructor(options: AdamOptions);
  /** @internal AdamW passes its name, decoupling and default decay. */
  constructor(options: AdamOptions, owner: string, decoupled: boolean, defaultWeightDecay: number);
  constructor(options: AdamOptions, owner = 'Adam', decoupled = false, defaultWeightDecay = 0) {
    super(owner, options, ADAM_KEYS, defaultWeightDecay);
    const open = { min: 0, max: 1, maxExclusive: true };
    this.beta1 = finiteNumber(owner, 'beta1', options.beta1, 0.9, open);
    this.beta2 = finiteNumber(owner, 'beta2', options.beta2, 0.999, open);
    this.epsilon = finiteNumber(owner, 'epsilon', options.epsilon, 1e-8, { min: 0, minExclusive: true });
    this.decoupled = decoupled;
  }

  protected updateVariable(
    variable: tf.Variable,
    gradient: tf.Tensor,
    slots: VariableSlots,
    decay: boolean,
  ): void {
    let g = gradient;
    let w: tf.Tensor = variable;
    if (decay && this.decoupled) w = tf.mul(variable, 1 - this.lr * this.weightDecay);
    else if (decay) g = tf.add(g, tf.mul(variable, this.weightDecay));
    const m0 = slots.get('m');
    const v0 = slots.get('v');
    const m = tf.add(m0 === undefined ? tf.zerosLike(g) : tf.mul(m0, this.beta1), tf.mul(g, 1 - this.beta1));
    const v = tf.add(
      v0 === undefined ? tf.zerosLike(g) : tf.mul(v0, this.beta2),
      tf.mul(tf.square(g), 1 - this.beta2),
    );
    slots.set('m', m);
    slots.set('v', v);
    const t = slots.steps;
    const stepSize = this.lr / (1 - this.beta1 ** t);
    const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - this.beta2 ** t)), this.epsilon);
    variable.assign(tf.sub(w, tf.mul(tf.div(m, denominator), stepSize)));
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
