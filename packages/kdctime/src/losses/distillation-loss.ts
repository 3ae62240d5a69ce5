import * as tf from '@tensorflow/tfjs-core';

import { numberInRange, rejectUnknownOptions } from '../internal/validate';
import type { ClassificationLoss } from './classification-loss';

/** Options of {@link distillationLoss}. */
export interface DistillationLossOptions {
  /** Weight α of the distillation term; `1 − α` weighs the cross-entropy. Default 0.9 (KDCTime `KDCT(0.9)`). */
  alpha?: number;
  /** Temperature T of the student softmax in the distillation term (the term is multiplied by T²). Default 1. */
  temperature?: number;
  /**
   * KL reduction: `'mean'` averages over all batch × classes elements, as the KDCTime code does through PyTorch's
   * `kl_div` default (the per-sample KL divided by K); `'batchmean'` is the per-sample KL averaged over the batch
   * (the textbook definition). Default `'mean'`.
   */
  reduction?: 'mean' | 'batchmean';
}

/**
 * KDTime / KDCT / KDCR loss: `L = (1 − α)·CE(z_s, y) + α·T²·KL(q ‖ softmax(z_s / T))` with the teacher targets q
 * given per sample (see `teacherTargets`: softened, translated or reordered teacher outputs, computed once before
 * student training). `0 · log 0 = 0` in the KL, since translated targets can contain exact zeros. Gradients flow to
 * the student logits only; the targets are constants.
 *
 * @param options - `alpha` (default 0.9), `temperature` (default 1), `reduction` (default `'mean'`).
 * @returns a {@link ClassificationLoss}: labels one-hot `[batch, classes]`, student logits `[batch, classes]`,
 *   teacher targets (probabilities) `[batch, classes]` (required).
 *
 * @example
 * const loss = distillationLoss({ alpha: 0.9, temperature: 1 });
 * loss(labels, studentLogits, teacherTargets(teacherLogits, labels, { calibration: 'translate' }));
 *
 * @see Hinton, Vinyals & Dean, "Distilling the knowledge in a neural network", arXiv 1503.02531; Gong et al.,
 *   "KDCTime", arXiv 2112.02291 (`code/DL/Loss.py` of amoonfana/Knowledge_Distillation).
 */
export function distillationLoss(options: DistillationLossOptions = {}): ClassificationLoss {
  const owner = 'distillationLoss';
  rejectUnknownOptions(owner, options, ['alpha', 'temperature', 'reduction']);
  const alpha = numberInRange(owner, 'alpha', options.alpha, 0.9, 0, 1);
  const temperature = numberInRange(owner, 'temperature', options.temperature, 1, 1e-6, 1e6);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'batchmean') {
    throw new RangeError(`${owner}: reduction must be 'mean' or 'batchmean', got "${String(reduction)}"`);
  }
  return (labels, logits, teacher) => {
    if (!teacher) throw new TypeError(`${owner}: teacher targets [batch, classes] are required`);
    if (teacher.shape[0] !== logits.shape[0] || teacher.shape[1] !== logits.shape[1]) {
      throw new RangeError(
        `${owner}: teacher targets shape [${teacher.shape.join(', ')}] differs from logits [${logits.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const [batch, classes] = logits.shape;
      const ce = tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1)));
      const logStudent = tf.logSoftmax(tf.div(logits, temperature));
      const positive = tf.greater(teacher, 0);
      const logTeacher = tf.where(
        positive,
        tf.log(tf.where(positive, teacher, tf.onesLike(teacher))),
        tf.zerosLike(teacher),
      );
      const kl = tf.sum(tf.mul(teacher, tf.sub(logTeacher, logStudent)));
      const klReduced = tf.div(kl, reduction === 'mean' ? batch * classes : batch);
      return tf.add<tf.Scalar>(tf.mul(ce, 1 - alpha), tf.mul(klReduced, alpha * temperature * temperature));
    });
  };
}
