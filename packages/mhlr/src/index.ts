// Public API of @frx/mhlr: learning-rate schedulers (MHLR v1/v2 and baselines), optimizers whose rate can
// move, the model.fit callback, and the schedule tracer/plotter.
export {
  MovingHaarScheduler,
  MHLR_THRESHOLD,
  MHLR_WINDOW_FRACTION,
  MHLR_REBOUND_AFTER,
} from './schedulers/moving-haar-scheduler';
export type { MovingHaarSchedulerOptions } from './schedulers/moving-haar-scheduler';
export {
  FastFaceScheduler,
  FAST_FACE_DEFAULTS,
  FAST_FACE_EARLY_PRESET,
} from './schedulers/fast-face-scheduler';
export type { FastFaceSchedulerOptions } from './schedulers/fast-face-scheduler';
export type {
  MultiplicativeSchedulerOptions,
  NonFiniteLossPolicy,
} from './schedulers/multiplicative-scheduler';
export { ConstantScheduler } from './schedulers/constant-scheduler';
export type { ConstantSchedulerOptions } from './schedulers/constant-scheduler';
export { StepScheduler } from './schedulers/step-scheduler';
export type { StepSchedulerOptions } from './schedulers/step-scheduler';
export { MultiStepScheduler } from './schedulers/multi-step-scheduler';
export type { MultiStepSchedulerOptions } from './schedulers/multi-step-scheduler';
export { PolynomialWarmupScheduler } from './schedulers/polynomial-warmup-scheduler';
export type { PolynomialWarmupSchedulerOptions } from './schedulers/polynomial-warmup-scheduler';
export { CosineWarmupScheduler } from './schedulers/cosine-warmup-scheduler';
export type { CosineWarmupSchedulerOptions } from './schedulers/cosine-warmup-scheduler';
export { ReduceLROnPlateau, INCEPTION_TIME_PLATEAU } from './schedulers/reduce-lr-on-plateau';
export type { ReduceLROnPlateauOptions } from './schedulers/reduce-lr-on-plateau';
export { restoreScheduler } from './schedulers/restore-scheduler';
export type { DetectorSignal, LrScheduler, SchedulerJSON } from './schedulers/lr-scheduler';

export { SGD } from './optimizers/sgd';
export type { SGDOptions } from './optimizers/sgd';
export { Adam } from './optimizers/adam';
export type { AdamOptions } from './optimizers/adam';
export { AdamW, ADAMW_DEFAULT_WEIGHT_DECAY } from './optimizers/adam-w';
export { RMSprop } from './optimizers/rmsprop';
export type { RMSpropOptions } from './optimizers/rmsprop';
export { ScheduledOptimizer } from './optimizers/scheduled-optimizer';
export type {
  OptimizerState,
  ScheduledOptimizerOptions,
  SlotState,
  VariableSlots,
} from './optimizers/scheduled-optimizer';
export {
  clipGradientsByGlobalNorm,
  globalNormClipCoefficient,
  CLIP_NORM_EPSILON,
} from './optimizers/clip-grad-norm';
export { excludeBiasAndNorm, isBiasOrNormParameter } from './optimizers/variable-filter';
export type { VariableFilter } from './optimizers/variable-filter';

export { lrSchedulerCallback } from './callbacks/lr-scheduler-callback';
export type {
  CallbackLogs,
  LearningRateSettable,
  LrSchedulerCallback,
  LrSchedulerCallbackOptions,
} from './callbacks/lr-scheduler-callback';

export { traceSchedule } from './plot/trace-schedule';
export type { LrChange, ScheduleTrace } from './plot/trace-schedule';
export { renderScheduleSvg } from './plot/render-schedule-svg';
export type { RenderScheduleSvgOptions } from './plot/render-schedule-svg';
export { parseLossLog } from './plot/parse-loss-log';

export { InvalidOptionError, InvalidStateError, NonFiniteLossError } from './errors';
