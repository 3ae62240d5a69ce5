// The wasm training kernels: the one module that registers what tfjs-backend-wasm lacks for training.
export {
  registerWasmTrainingKernels,
  assertKernelsRegistered,
  WASM_TRAINING_KERNELS,
  WASM_SLOW_KERNELS,
  WASM_FAULTY_KERNELS,
} from './register-wasm-training-kernels';
export type {
  RegisterWasmTrainingKernelsOptions,
  RegisterWasmTrainingKernelsResult,
} from './register-wasm-training-kernels';
