// Public API of the face-recognition example: the training pipeline and evaluation as typed functions.
export { trainFaceRecognition, NonFiniteLossError } from './train/train-face-recognition';
export type {
  EvalRecord,
  LogRecord,
  StepRecord,
  TrainOptions,
  TrainResult,
} from './train/train-face-recognition';
export { evaluateCheckpoint } from './eval/evaluate-checkpoint';
export type { EvaluateOptions } from './eval/evaluate-checkpoint';
export type { VerificationReport } from './eval/verify-embeddings';
export { facePreset, FACE_PRESETS, UnknownPresetError } from './config/presets';
export type {
  BackboneName,
  BackendName,
  FaceConfig,
  MarginName,
  OptimizerName,
  SchedulerName,
  VerificationSource,
} from './config/face-config';
export { parseFaceArgs, UsageError, USAGE } from './config/parse-args';
export type { EvalCommand, FaceCommand, TrainCommand } from './config/parse-args';
export { listCheckpoints, readCheckpoint, CheckpointError } from './train/checkpoint';
export type { CheckpointManifest } from './train/checkpoint';
export { FaceDataError } from './data/load-training-data';
export { VerificationDataError } from './data/verification-set';
