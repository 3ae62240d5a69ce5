// Test-only helpers (imported by the *.test.ts files beside it; not part of the public API). The test
// files import the cpu and wasm backends; this module only switches between them.
import * as tf from '@tensorflow/tfjs-core';

import { expect } from 'vitest';

import type { Rng } from '../../random/rng';

/** A kernel input as plain data, so the same values can be uploaded to both backends. */
export interface HostTensor {
  values: number[];
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** Uniform values in [-1, 1) of a shape, from a seeded generator. */
export function randomHost(rng: Rng, shape: number[]): HostTensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return { values: Array.from({ length: size }, () => rng.uniform(-1, 1)), shape };
}

/** Output of one kernel run on one backend, downloaded. */
export interface KernelRun {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** Runs a registered kernel on `backendName` with host inputs and downloads the result. */
export async function runKernelOn(
  backendName: string,
  kernelName: string,
  inputs: Record<string, HostTensor>,
  attrs: object,
): Promise<KernelRun> {
  await tf.setBackend(backendName);
  return tf.tidy(() => {
    const tensors: tf.NamedTensorMap = {};
    for (const [name, host] of Object.entries(inputs)) {
      tensors[name] = tf.tensor(host.values, host.shape, host.dtype ?? 'float32');
    }
    const out = tf.engine().runKernel<tf.Tensor>(kernelName, tensors, attrs as tf.NamedAttrMap);
    return { shape: out.shape, values: out.dataSync() as Float32Array | Int32Array };
  });
}

/**
 * Relative error of `actual` against `expected`: max |a − e| / max(|e|, 1e-6). A norm-wise measure:
 * element-wise relative error is meaningless where sums cancel to nearly zero.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let maxDiff = 0;
  let maxRef = 1e-6;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= maxDiff)) maxDiff = diff; // NaN propagates
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  return maxDiff / maxRef;
}

/** Chooses one element of a list. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** A padding as the conv ops accept it: 'same', 'valid', a number, or explicit NHWC/NCHW pairs. */
export function randomPadding(
  rng: Rng,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
): 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]] {
  const kind = rng.int(4);
  if (kind === 0) return 'same';
  if (kind === 1) return 'valid';
  if (kind === 2) return rng.int(3);
  const t: [number, number] = [rng.int(3), rng.int(3)];
  const l: [number, number] = [rng.int(3), rng.int(3)];
  return dataFormat === 'NHWC' ? [[0, 0], t, l, [0, 0]] : [[0, 0], [0, 0], t, l];
}

/** The engine's bookkeeping that a kernel must leave as it found it. */
export function engineState(): {
  kernelDepth: number;
  activeTape: unknown;
  scopeDepth: number;
  gradientDepth: number;
} {
  const state = (
    tf.engine() as unknown as {
      state: { kernelDepth: number; activeTape: unknown; scopeStack: unknown[]; gradientDepth: number };
    }
  ).state;
  return {
    kernelDepth: state.kernelDepth,
    activeTape: state.activeTape,
    scopeDepth: state.scopeStack.length,
    gradientDepth: state.gradientDepth,
  };
}

/**
 * A dilated filter written out as an undilated one: `w` `[kh, kw, c, m]` becomes
 * `[(kh − 1)·dh + 1, (kw − 1)·dw + 1, c, m]` with zeros between the taps. A dilated convolution with
 * `w` equals an undilated one with this filter — the independent reference for dilation > 1 (the cpu
 * backend's depthwise backprop kernels ignore dilation).
 */
export function dilateFilter(w: HostTensor, dh: number, dw: number): HostTensor {
  const [kh, kw, c, m] = w.shape as [number, number, number, number];
  const eh = (kh - 1) * dh + 1;
  const ew = (kw - 1) * dw + 1;
  const values = new Array<number>(eh * ew * c * m).fill(0);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let k = 0; k < c * m; k++) {
        values[(i * dh * ew + j * dw) * c * m + k] = w.values[(i * kw + j) * c * m + k]!;
      }
    }
  }
  return { values, shape: [eh, ew, c, m] };
}

/** The inverse view of {@link dilateFilter} on a gradient: keeps every `dh`-th / `dw`-th tap. */
export function undilateFilter(g: KernelRun, dh: number, dw: number): KernelRun {
  const [eh, ew, c, m] = g.shape as [number, number, number, number];
  const kh = (eh - 1) / dh + 1;
  const kw = (ew - 1) / dw + 1;
  const values = new Float32Array(kh * kw * c * m);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let k = 0; k < c * m; k++) {
        values[(i * kw + j) * c * m + k] = g.values[(i * dh * ew + j * dw) * c * m + k]!;
      }
    }
  }
  return { values, shape: [kh, kw, c, m] };
}

/** One convolution geometry of a conv-gradient kernel test. */
export interface ConvGradientCase {
  /** The forward input's shape (`x` of Conv2DBackpropFilter, `inputShape` of Conv2DBackpropInput). */
  xShape: number[];
  filterShape: number[];
  strides: number | readonly [number, number];
  pad: unknown;
  dataFormat: string;
}

/**
 * Runs `Conv2DBackpropFilter` or `Conv2DBackpropInput` for one geometry on the cpu and wasm backends with the
 * same seeded random inputs (dy of the forward's output shape) and returns both results and a label naming the
 * case; `null` when the geometry has an empty output (nothing to check).
 */
export async function runConvGradientOnBoth(
  kernelName: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput',
  c: ConvGradientCase,
  rng: Rng,
): Promise<{ expected: KernelRun; actual: KernelRun; label: string; outputShape: number[] } | null> {
  const info = tf.backend_util.computeConv2DInfo(
    c.xShape as [number, number, number, number],
    c.filterShape as [number, number, number, number],
    c.strides as number | [number, number],
    1,
    c.pad as 'same',
    undefined,
    false,
    c.dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst',
  );
  if (info.outHeight < 1 || info.outWidth < 1) return null;
  const dyShape =
    c.dataFormat === 'NHWC'
      ? info.outShape
      : [info.batchSize, info.outChannels, info.outHeight, info.outWidth];
  const { strides, pad, dataFormat, filterShape } = c;
  const filterGradient = kernelName === 'Conv2DBackpropFilter';
  const inputs: Record<string, HostTensor> = filterGradient
    ? { x: randomHost(rng, c.xShape), dy: randomHost(rng, dyShape) }
    : { dy: randomHost(rng, dyShape), filter: randomHost(rng, filterShape) };
  const attrs = filterGradient
    ? { strides, pad, dataFormat, filterShape }
    : { strides, pad, dataFormat, inputShape: c.xShape };
  const label = JSON.stringify({ kernelName, xShape: c.xShape, filterShape, strides, pad, dataFormat });
  const expected = await runKernelOn('cpu', kernelName, inputs, attrs);
  const actual = await runKernelOn('wasm', kernelName, inputs, attrs);
  return { expected, actual, label, outputShape: filterGradient ? filterShape : c.xShape };
}

/**
 * Asserts that the wasm kernel matches the cpu kernel for one geometry (shape equal, relative error < 1e-4).
 * Returns false, checking nothing, when the geometry has an empty output.
 */
export async function expectConvGradientMatchesCpu(
  kernelName: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput',
  c: ConvGradientCase,
  rng: Rng,
): Promise<boolean> {
  const run = await runConvGradientOnBoth(kernelName, c, rng);
  if (run === null) return false;
  expect(run.actual.shape, run.label).toEqual(run.outputShape);
  expect(relativeError(run.actual.values, run.expected.values), run.label).toBeLessThan(1e-4);
  return true;
}

/**
 * A seeded random convolution geometry for the cpu-vs-wasm gradient tests: batch 1-4, 1-9 × 1-9 images, 1-5
 * channels in and out, 1-4 × 1-4 filters, strides 1, 2, 3, [1, 2] or [3, 1], and a random padding.
 */
export function randomConvCase(rng: Rng, dataFormat: 'NHWC' | 'NCHW'): ConvGradientCase {
  const n = 1 + rng.int(4);
  const [h, w] = [1 + rng.int(9), 1 + rng.int(9)];
  const [cin, cout] = [1 + rng.int(5), 1 + rng.int(5)];
  const filterShape = [1 + rng.int(4), 1 + rng.int(4), cin, cout];
  const strides = pick(rng, [1, 2, 3, [1, 2], [3, 1]] as const);
  const pad = randomPadding(rng, dataFormat);
  const xShape = dataFormat === 'NHWC' ? [n, h, w, cin] : [n, cin, h, w];
  return { xShape, filterShape, strides, pad, dataFormat };
}
