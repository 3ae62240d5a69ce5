import * as tf from '@tensorflow/tfjs-core';

import { asTensor } from './conv-geometry';

/**
 * Wraps the wasm backend's own `BatchMatMul` so transposed operands are transposed first (native
 * Transpose, memory-bound) and the product always runs untransposed. tfjs-backend-wasm 4.22 runs
 * `transposeA` / `transposeB` products 10-30× slower than plain ones (0.6 and 1.7 vs 17 GFLOP/s on a
 * 512×512 product, measured), and the gradient of every matMul / dense layer uses exactly those.
 *
 * @param native the kernel function tfjs-backend-wasm registered for `BatchMatMul`.
 */
export function batchMatMulTransposedFirst(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return native(args);
    const transposed = tf.tidy(() => {
      const swapLast = (info: tf.TensorInfo) => {
        const t = asTensor(info);
        const perm = t.shape.map((_, i) => i);
        const r = perm.length;
        [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
        return tf.transpose(t, perm);
      };
      return {
        a: transposeA ? swapLast(args.inputs.a!) : asTensor(args.inputs.a!).clone(),
        b: transposeB ? swapLast(args.inputs.b!) : asTensor(args.inputs.b!).clone(),
      };
    });
    try {
      return native({
        ...args,
        inputs: { a: transposed.a, b: transposed.b },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      tf.dispose([transposed.a, transposed.b]);
    }
  };
}
