export {
  initBackend,
  ensureGradientsRegistered,
  BackendUnavailableError,
  backendSelection,
} from './backend/init-backend';
export type { BackendSelection } from './backend/init-backend';
export { installTensorflowConvFixes } from './backend/tensorflow-conv-fixes';
export type { BackendChoice, InitBackendOptions } from './backend/init-backend';
export {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  WASM_SLOW_KERNELS,
  WASM_FAULTY_KERNELS,
  assertKernelsRegistered,
} from './backend/wasm-training-kernels';
export type {
  RegisterWasmTrainingKernelsOptions,
  RegisterWasmTrainingKernelsResult,
} from './backend/wasm-training-kernels';

export { createRng } from './random/rng';
export type { Rng, RngState } from './random/rng';
export { shuffle, permutation, sampleWithoutReplacement } from './random/shuffle';
export { randomNormalTensor, randomUniformTensor } from './random/random-tensors';
export type { NormalOptions } from './random/random-tensors';

export { createProgress, formatDuration } from './progress/progress-reporter';
export type {
  ProgressMetrics,
  ProgressMode,
  ProgressOptions,
  ProgressReporter,
  ProgressStream,
} from './progress/progress-reporter';

export { l2Normalize, L2_NORMALIZE_EPSILON } from './ops/l2-normalize';
export { clampCosine, clampStraightThrough, safeLog } from './ops/clamp';
export { stopGradient } from './ops/stop-gradient';
export { nativeBatchNormTraining } from './ops/native-batch-norm';
export type { BatchNormTrainingResult } from './ops/native-batch-norm';
export { FrxError, frxErrorBrand } from './errors/frx-error';
export { lineChartSvg, smooth } from './charts/line-chart-svg';
export type { ChartSeries, LineChartOptions } from './charts/line-chart-svg';
export { rasterizeChartSvg, chartSvgToPng } from './charts/rasterize-chart-svg';
export type { RasterizeChartOptions } from './charts/rasterize-chart-svg';
export { encodePngRgba, encodePngRgbaStored } from './charts/encode-png';
export type { RgbaRaster } from './charts/encode-png';
export { ChartError } from './charts/chart-error';
