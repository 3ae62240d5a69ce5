// Public API of @frx/kdctime: InceptionTime (Keras original and KDCTime variant), the LSTime / KDTime / KDCT / KDCR
// losses and calibrations, the teacher/student trainers, and the ROCKET / MiniRocket baselines.
import { registerKdctimeLayers } from './inception-time/register';

registerKdctimeLayers();

export { inceptionTime, INCEPTION_TIME_KERAS, INCEPTION_TIME_KDCTIME } from './inception-time/inception-time';
export type { InceptionTimeOptions } from './inception-time/inception-time';
export { ZeroPaddedMaxPool1D } from './inception-time/zero-padded-max-pool1d';
export type { ZeroPaddedMaxPool1DArgs } from './inception-time/zero-padded-max-pool1d';
export { registerKdctimeLayers } from './inception-time/register';

export type { ClassificationLoss } from './losses/classification-loss';
export { crossEntropyLoss } from './losses/cross-entropy-loss';
export { labelSmoothingLoss } from './losses/label-smoothing-loss';
export { distillationLoss } from './losses/distillation-loss';
export type { DistillationLossOptions } from './losses/distillation-loss';

export { calibrateByTranslating, KDCT_TRANSLATION_DISTANCE } from './calibration/calibrate-by-translating';
export type { CalibrateByTranslatingOptions } from './calibration/calibrate-by-translating';
export { calibrateByReordering } from './calibration/calibrate-by-reordering';
export { teacherTargets } from './calibration/teacher-targets';
export type { TeacherTargetsOptions } from './calibration/teacher-targets';

export { trainClassifier, INCEPTION_TIME_TRAINING, KDCTIME_TRAINING } from './training/train-classifier';
export type { EpochInfo, TrainClassifierOptions, TrainingHistory } from './training/train-classifier';
export { trainStudent, STUDENT_PRESETS } from './training/train-student';
export type { TrainStudentOptions } from './training/train-student';
export { trainEnsemble, INCEPTION_TIME_ENSEMBLE_SIZE } from './training/train-ensemble';
export type { TrainedEnsemble } from './training/train-ensemble';
export { predictLogits, predictProbabilities, accuracy } from './training/predict';
export { recomputeBatchNormStatistics } from './training/recompute-batch-norm';
export type { RecomputeBatchNormOptions } from './training/recompute-batch-norm';
export type { LabelledSeriesMatrix } from './training/batches';

export type { SeriesMatrix } from './rocket/series-matrix';
export {
  generateRocketKernels,
  rocketTransform,
  ROCKET_KERNEL_LENGTHS,
  ROCKET_DEFAULT_KERNELS,
} from './rocket/rocket';
export type { RocketKernels, RocketKernelOptions } from './rocket/rocket';
export {
  fitMiniRocket,
  miniRocketTransform,
  miniRocketDilations,
  miniRocketQuantiles,
  MINI_ROCKET_KERNEL_INDICES,
  MINI_ROCKET_KERNEL_LENGTH,
} from './rocket/mini-rocket';
export type { MiniRocketOptions, MiniRocketParameters } from './rocket/mini-rocket';
export { RidgeClassifierCV, ROCKET_RIDGE_ALPHAS } from './rocket/ridge-classifier-cv';
export type { RidgeClassifierCVOptions, RidgeFitSummary } from './rocket/ridge-classifier-cv';
export { RocketClassifier } from './rocket/rocket-classifier';
export type { RocketClassifierOptions } from './rocket/rocket-classifier';

export { cylinderBellFunnel, CBF_CLASSES } from './data/cylinder-bell-funnel';
export type { CylinderBellFunnelOptions } from './data/cylinder-bell-funnel';
