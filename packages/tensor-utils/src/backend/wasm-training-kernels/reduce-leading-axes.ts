import * as tf from '@tensorflow/tfjs-core';

import { asTensor } from './conv-geometry';

/** How a leading-axes reduction is laid out for the pooling: `[1, rows / last, last, columns]`. */
interface LeadingAxesPlan {
  /** Number of reduced (leading) axes. */
  reducedAxes: number;
  /** Product of the reduced axes' sizes. */
  rows: number;
  /** Size of the last reduced axis. */
  last: number;
  /** Product of the kept axes' sizes. */
  columns: number;
}

/**
 * Most kept elements ("channels") handed to the native average pooling. tfjs-backend-wasm 4.22's
 * AvgPool corrupts the wasm heap (a later `dispose` fails with "memory access out of bounds") for
 * pooling windows of 8 or more elements over 16 383 or more channels (measured: 16 200 channels
 * work, 16 383 do not; windows of up to 5 work with 100 000), which a GAN's `[9, …, 32768]` sum over
 * axis 0 hit. Per-channel reductions of conv nets have at most a few thousand columns, so wider
 * ones simply go to the native kernel, with a wide margin below the failure.
 */
const MAX_POOLED_COLUMNS = 4096;

/**
 * The reduction a `Sum` / `Mean` call asks for, when it is one this module speeds up: float32, over
 * the leading axes `0 … k − 1` only (1 ≤ k < rank), of at least two rows and at most
 * {@link MAX_POOLED_COLUMNS} kept elements. Such calls are the per-channel reductions of training
 * (BatchNorm statistics and its gradient, bias and PReLU slope gradients: NHWC over `[0, 1, 2]`).
 */
function leadingAxesPlan(x: tf.TensorInfo, axis: number | number[]): LeadingAxesPlan | null {
  if (x.dtype !== 'float32') return null;
  const rank = x.shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank || axes.some((a, i) => a !== i)) return null;
  const leading = x.shape.slice(0, axes.length);
  const rows = leading.reduce((p, d) => p * d, 1);
  const columns = x.shape.slice(axes.length).reduce((p, d) => p * d, 1);
  if (rows < 2 || columns > MAX_POOLED_COLUMNS) return null;
  return { reducedAxes: axes.length, rows, last: leading[leading.length - 1]!, columns };
}

/**
 * Wraps the wasm backend's own `Sum` (`mean = false`) or `Mean` (`mean = true`) so that reductions over
 * the leading axes run as ONE native (XNNPACK) average pooling, channels innermost, over the tensor
 * viewed as `[1, rows / last, last, columns]` — times `rows` for a sum. tfjs-backend-wasm 4.22 first
 * transposes the reduced axes innermost, a full strided copy: summing a `[16, 112, 112, 64]` map over
 * `[0, 1, 2]` took 163 ms natively and 16-18 ms this way (measured). Every other reduction (inner or
 * mixed axes, all axes, int32, a single row, more than {@link MAX_POOLED_COLUMNS} kept elements) goes to
 * the native kernel unchanged.
 *
 * @param native the kernel function tfjs-backend-wasm registered for `Sum` or `Mean`.
 * @param mean whether the kernel is `Mean` (the pooling's average) rather than `Sum`.
 */
export function reduceLeadingAxesByPooling(native: tf.KernelFunc, mean: boolean): tf.KernelFunc {
  return (args) => {
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const xInfo = args.inputs.x!;
    const plan = leadingAxesPlan(xInfo, axis);
    if (plan == null) return native(args);
    const { reducedAxes, rows, last, columns } = plan;
    const kept = xInfo.shape.slice(reducedAxes);
    const outShape = keepDims ? [...new Array<number>(reducedAxes).fill(1), ...kept] : kept;
    return tf.tidy(() => {
      const x = tf.reshape<tf.Rank.R4>(asTensor(xInfo), [1, rows / last, last, columns]);
      const average = tf.avgPool(x, [rows / last, last], 1, 'valid');
      return tf.reshape(mean ? average : tf.mul(average, tf.scalar(rows)), outShape);
    });
  };
}
