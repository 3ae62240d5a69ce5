import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { teacherTargets, type TeacherTargetsOptions } from '../calibration/teacher-targets';
import { rejectUnknownOptions } from '../internal/validate';
import { distillationLoss, type DistillationLossOptions } from '../losses/distillation-loss';
import { checkLabelledSeries, oneHotCodes, type LabelledSeriesMatrix } from './batches';
import {
  runTraining,
  TRAIN_OPTION_KEYS,
  type TrainClassifierOptions,
  type TrainingHistory,
} from './train-classifier';

/** Options of {@link trainStudent}: the training options plus the distillation settings. */
export interface TrainStudentOptions
  extends
    Omit<TrainClassifierOptions, 'loss'>,
    DistillationLossOptions,
    Omit<TeacherTargetsOptions, 'temperature'> {}

/** KDTime, KDCT and KDCR settings of the KDCTime paper/code (`Student.py`; KDCT(0.9) is the active one). */
export const STUDENT_PRESETS = {
  /** KDTime: plain distillation, KD(0.9, T = 1). */
  kdtime: { calibration: 'none', alpha: 0.9, temperature: 1 },
  /** KDCT: calibration by translating, KDCT(0.9), T = 1. */
  kdct: { calibration: 'translate', alpha: 0.9, temperature: 1 },
  /** KDCR: calibration by reordering, KDCR(1, 1): pure distillation at T = 1. */
  kdcr: { calibration: 'reorder', alpha: 1, temperature: 1 },
} as const satisfies Record<string, TrainStudentOptions>;

/**
 * Trains a student by knowledge distillation from precomputed teacher logits (KDTime, KDCT or KDCR): the targets
 * `softmax(z_t / T)` are computed and calibrated **once** (see {@link teacherTargets}), carried with each training
 * sample through the shuffling, and the student minimises {@link distillationLoss}. Everything else is
 * {@link trainClassifier}'s loop.
 *
 * @param model - the student, logits `[batch, classes]`.
 * @param data - training series, codes and classes (the same order as `teacherLogits`).
 * @param teacherLogits - the teacher's logits on the training series, eval mode, `[cases, classes]`.
 * @param options - training options plus `calibration` (default `'none'`), `alpha` (0.9), `temperature` (1),
 *   `reduction` (`'mean'`), `distance`, `gamma`; spread a {@link STUDENT_PRESETS} entry.
 * @returns the training history.
 *
 * @example
 * const teacherLogits = predictLogits(teacher, train.series);
 * await trainStudent(student, train, teacherLogits, { ...KDCTIME_TRAINING, ...STUDENT_PRESETS.kdct, epochs: 100 });
 *
 * @see Gong et al., "KDCTime", Information Sciences 613 (2022), arXiv 2112.02291.
 */
export async function trainStudent(
  model: tfl.LayersModel,
  data: LabelledSeriesMatrix,
  teacherLogits: tf.Tensor2D,
  options: TrainStudentOptions = {},
): Promise<TrainingHistory> {
  const owner = 'trainStudent';
  const distillKeys = ['alpha', 'temperature', 'reduction'] as const;
  const targetKeys = ['calibration', 'distance', 'gamma'] as const;
  rejectUnknownOptions(owner, options, [
    ...TRAIN_OPTION_KEYS.filter((k) => k !== 'loss'),
    ...distillKeys,
    ...targetKeys,
  ]);
  const [cases] = checkLabelledSeries(owner, data);
  if (
    teacherLogits.rank !== 2 ||
    teacherLogits.shape[0] !== cases ||
    teacherLogits.shape[1] !== data.classes
  ) {
    throw new RangeError(
      `${owner}: teacher logits [${teacherLogits.shape.join(', ')}] must be [${cases}, ${data.classes}] (cases, classes)`,
    );
  }
  const targets = tf.tidy(() => {
    const labels = tf.tensor2d(oneHotCodes(data.codes, data.classes), [cases, data.classes]);
    const t = teacherTargets(teacherLogits, labels, {
      ...(options.calibration !== undefined ? { calibration: options.calibration } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.distance !== undefined ? { distance: options.distance } : {}),
      ...(options.gamma !== undefined ? { gamma: options.gamma } : {}),
    });
    return t.dataSync() as Float32Array;
  });
  const loss = distillationLoss({
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.reduction !== undefined ? { reduction: options.reduction } : {}),
  });
  const trainOptions: TrainClassifierOptions = {};
  for (const key of TRAIN_OPTION_KEYS) {
    if (key !== 'loss' && options[key] !== undefined) Object.assign(trainOptions, { [key]: options[key] });
  }
  return runTraining(owner, model, data, targets, loss, trainOptions);
}
