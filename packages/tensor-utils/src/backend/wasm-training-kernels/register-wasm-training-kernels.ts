import * as tf from '@tensorflow/tfjs-core';

import { batchMatMulTransposedFirst } from './batch-mat-mul-transposed';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input';
import { depthwiseConv2dBackpropFilterKernel } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dBackpropInputKernel } from './depthwise-conv2d-backprop-input';
import { maxPoolGradKernel } from './max-pool-grad';
import { reduceLeadingAxesByPooling } from './reduce-leading-axes';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum';

const WASM = 'wasm';

/**
 * The kernels that training needs and tfjs-backend-wasm 4.22 lacks, which
 * {@link registerWasmTrainingKernels} adds: the filter gradient of every convolution, both gradients
 * of depthwise convolutions, and the gradient of `tf.gather` (UnsortedSegmentSum).
 */
export const WASM_TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
] as const;

/**
 * Kernels tfjs-backend-wasm 4.22 has but runs far slower than their forward counterparts, which
 * `registerWasmTrainingKernels({ replaceSlowKernels: true })` replaces: `Conv2DBackpropInput` (about
 * 10× slower than the forward conv), `BatchMatMul` with transposed operands (10-30× slower), and
 * `Sum` / `Mean` over the leading axes (the per-channel reductions of BatchNorm and of bias and PReLU
 * gradients; 4-10× slower than an average pooling, because the native kernels transpose first).
 */
export const WASM_SLOW_KERNELS = ['Conv2DBackpropInput', 'BatchMatMul', 'Sum', 'Mean'] as const;

/**
 * Kernels tfjs-backend-wasm 4.22 has but computes wrongly, which
 * `registerWasmTrainingKernels({ replaceFaultyKernels: true })` replaces: `MaxPoolGrad` loses the
 * gradient of every pooling window whose values are all negative (its running maximum starts at 0).
 */
export const WASM_FAULTY_KERNELS = ['MaxPoolGrad'] as const;

/** Options of {@link registerWasmTrainingKernels}. */
export interface RegisterWasmTrainingKernelsOptions {
  /**
   * Also replace the slow native kernels listed in {@link WASM_SLOW_KERNELS} with faster compositions
   * of native kernels (the BatchMatMul replacement delegates to the native kernel after transposing).
   * Default `true`: a conv net's backward pass runs about 3x faster (bench/backend-gflops.ts). Pass
   * `false` to keep every kernel the wasm backend provides.
   */
  replaceSlowKernels?: boolean;
  /**
   * Also replace the wrong native kernels listed in {@link WASM_FAULTY_KERNELS} with correct
   * compositions of native kernels. Default `true`: with the native kernel, any model with max pooling
   * silently gets wrong gradients. Pass `false` to keep the native kernel.
   */
  replaceFaultyKernels?: boolean;
}

/** What {@link registerWasmTrainingKernels} did. */
export interface RegisterWasmTrainingKernelsResult {
  /** Kernels registered by this call. */
  registered: string[];
  /** Kernels left alone because a kernel was already registered (by the backend, or an earlier call). */
  skipped: string[];
}

const missing: Record<(typeof WASM_TRAINING_KERNELS)[number], tf.KernelFunc> = {
  Conv2DBackpropFilter: conv2dBackpropFilterKernel,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dBackpropFilterKernel,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dBackpropInputKernel,
  UnsortedSegmentSum: unsortedSegmentSumKernel,
};

/** Kernel functions installed by this module, so repeated calls recognise (and keep) them. */
const ours = new WeakSet<tf.KernelFunc>();

function replaceKernel(kernelName: string, make: (native: tf.KernelFunc) => tf.KernelFunc): boolean {
  const existing = tf.getKernel(kernelName, WASM);
  if (existing != null && ours.has(existing.kernelFunc)) return false;
  if (existing == null) {
    throw new Error(
      `@frx/tensor-utils: cannot replace wasm kernel '${kernelName}': the wasm backend does not provide it ` +
        `(import '@tensorflow/tfjs-backend-wasm' before calling registerWasmTrainingKernels)`,
    );
  }
  const kernelFunc = make(existing.kernelFunc);
  ours.add(kernelFunc);
  tf.unregisterKernel(kernelName, WASM);
  tf.registerKernel({ ...existing, kernelFunc });
  return true;
}

/**
 * Registers, for the `wasm` backend, the kernels that training conv nets and embedding lookups needs
 * and tfjs-backend-wasm 4.22 lacks ({@link WASM_TRAINING_KERNELS}). Each is composed from native wasm
 * kernels (matMul, conv2d, depthwiseConv2d, scatterND, pad, transpose), never a JavaScript element
 * loop, and matches the cpu backend to float32 rounding on every stride, padding ('same', 'valid',
 * number, explicit), dilation (depthwise) and data format (NCHW by transposing) the forward ops accept.
 *
 * It also replaces, by default, the native kernels that are wrong ({@link WASM_FAULTY_KERNELS}) or
 * far too slow for training ({@link WASM_SLOW_KERNELS}); each replacement is tested against the cpu
 * backend too.
 *
 * Idempotent: a missing kernel already registered for wasm — by an earlier call or by a later
 * tfjs-backend-wasm that provides it — is left alone. Does not import the wasm backend; call it before or after importing
 * `@tensorflow/tfjs-backend-wasm`, before the first backward pass.
 *
 * @param options `replaceSlowKernels` (default `true`): also replace {@link WASM_SLOW_KERNELS};
 *   `replaceFaultyKernels` (default `true`): also replace {@link WASM_FAULTY_KERNELS}.
 * @returns the kernel names registered and skipped.
 *
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * const { grads } = tf.variableGrads(() => tf.sum(tf.conv2d(x, w, 1, 'same')), [w]);
 *
 * Follows the kernel-registration pattern of tfjs (`tf.registerKernel`) and the composed FloorMod
 * kernel of vladmandic/human.
 */
export function registerWasmTrainingKernels(
  options: RegisterWasmTrainingKernelsOptions = {},
): RegisterWasmTrainingKernelsResult {
  const known = ['replaceSlowKernels', 'replaceFaultyKernels'];
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new Error(
      `registerWasmTrainingKernels: unknown option(s) ${unknown.join(', ')} (known: ${known.join(', ')})`,
    );
  }
  const registered: string[] = [];
  const skipped: string[] = [];
  for (const kernelName of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(kernelName, WASM) != null) {
      skipped.push(kernelName);
      continue;
    }
    const kernelFunc = missing[kernelName];
    ours.add(kernelFunc);
    tf.registerKernel({ kernelName, backendName: WASM, kernelFunc });
    registered.push(kernelName);
  }
  if (options.replaceSlowKernels !== false) {
    const replaced = [
      replaceKernel('Conv2DBackpropInput', () => conv2dBackpropInputKernel) ? 'Conv2DBackpropInput' : null,
      replaceKernel('BatchMatMul', batchMatMulTransposedFirst) ? 'BatchMatMul' : null,
      replaceKernel('Sum', (native) => reduceLeadingAxesByPooling(native, false)) ? 'Sum' : null,
      replaceKernel('Mean', (native) => reduceLeadingAxesByPooling(native, true)) ? 'Mean' : null,
    ];
    for (const [i, name] of WASM_SLOW_KERNELS.entries()) (replaced[i] ? registered : skipped).push(name);
  }
  if (options.replaceFaultyKernels !== false) {
    (replaceKernel('MaxPoolGrad', () => maxPoolGradKernel) ? registered : skipped).push('MaxPoolGrad');
  }
  return { registered, skipped };
}

/**
 * Fails fast, before training starts, when a backend lacks kernels a model needs: throws one error
 * naming every missing kernel instead of the first backward pass failing on one of them.
 *
 * @param kernelNames kernel names, e.g. {@link WASM_TRAINING_KERNELS} plus `'Conv2D'`, `'FusedBatchNorm'`.
 * @param backendName default: the active backend (`tf.getBackend()`).
 *
 * @example
 * assertKernelsRegistered([...WASM_TRAINING_KERNELS, 'Conv2D', 'MaxPoolGrad'], 'wasm');
 */
export function assertKernelsRegistered(
  kernelNames: readonly string[],
  backendName: string = tf.getBackend(),
): void {
  const absent = kernelNames.filter((name) => tf.getKernel(name, backendName) == null);
  if (absent.length > 0) {
    throw new Error(
      `backend '${backendName}' lacks kernel(s) ${absent.join(', ')}` +
        (backendName === WASM ? ' (call registerWasmTrainingKernels() from @frx/tensor-utils)' : ''),
    );
  }
}
