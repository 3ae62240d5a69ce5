import * as tf from '@tensorflow/tfjs-core';

import { numberInRange, rejectUnknownOptions } from '../internal/validate';
import { calibrateByReordering } from './calibrate-by-reordering';
import { calibrateByTranslating } from './calibrate-by-translating';

/** Options of {@link teacherTargets}. */
export interface TeacherTargetsOptions {
  /**
   * `'none'` (KDTime), `'translate'` (KDCT, {@link calibrateByTranslating} after the softmax) or `'reorder'`
   * (KDCR, {@link calibrateByReordering} before the softmax). Default `'none'`.
   */
  calibration?: 'none' | 'translate' | 'reorder';
  /** Softmax temperature T. Default 1 (KDCT always uses 1). */
  temperature?: number;
  /** Translation distance for `'translate'`. Default 0.7071. */
  distance?: number;
  /** Translation factor γ for `'translate'`. Default 1. */
  gamma?: number;
}

/**
 * The distillation targets of a student, computed once from the teacher's logits on the training set (eval mode):
 * `softmax(z_t / T)`, optionally calibrated (KDCT translation or KDCR reordering).
 *
 * @param teacherLogits - `[batch, classes]`.
 * @param labels - one-hot `[batch, classes]` (used by the calibrations).
 * @param options - `calibration` (default `'none'`), `temperature` (default 1), `distance`, `gamma`.
 * @returns target probabilities `[batch, classes]`.
 *
 * @example
 * const targets = teacherTargets(teacherLogits, labels, { calibration: 'translate' }); // KDCT
 */
export function teacherTargets(
  teacherLogits: tf.Tensor2D,
  labels: tf.Tensor2D,
  options: TeacherTargetsOptions = {},
): tf.Tensor2D {
  rejectUnknownOptions('teacherTargets', options, ['calibration', 'temperature', 'distance', 'gamma']);
  const calibration = options.calibration ?? 'none';
  const temperature = numberInRange('teacherTargets', 'temperature', options.temperature, 1, 1e-6, 1e6);
  if (!['none', 'translate', 'reorder'].includes(calibration)) {
    throw new RangeError(
      `teacherTargets: calibration must be 'none', 'translate' or 'reorder', got "${calibration}"`,
    );
  }
  return tf.tidy(() => {
    if (calibration === 'reorder') {
      return tf.softmax(tf.div(calibrateByReordering(teacherLogits, labels), temperature)) as tf.Tensor2D;
    }
    const soft = tf.softmax(tf.div(teacherLogits, temperature)) as tf.Tensor2D;
    if (calibration === 'none') return soft;
    return calibrateByTranslating(soft, labels, {
      ...(options.distance !== undefined ? { distance: options.distance } : {}),
      ...(options.gamma !== undefined ? { gamma: options.gamma } : {}),
    });
  });
}
