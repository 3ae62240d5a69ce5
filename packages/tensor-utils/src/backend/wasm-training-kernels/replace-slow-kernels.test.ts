import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createRng } from '../../random/rng';
import { countNewTensors } from '../../testing/count-new-tensors';
import {
  engineState,
  expectConvGradientMatchesCpu,
  randomConvCase,
  randomHost,
  relativeError,
  runKernelOn,
} from './kernel-test-harness';
import { registerWasmTrainingKernels, WASM_SLOW_KERNELS } from './register-wasm-training-kernels';

const nativeConv2D = tf.getKernel('Conv2D', 'wasm').kernelFunc;
const nativeBatchMatMul = tf.getKernel('BatchMatMul', 'wasm').kernelFunc;
const nativeBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc;

beforeAll(async () => {
  registerWasmTrainingKernels({ replaceSlowKernels: true });
  await tf.setBackend('wasm');
});

describe('registerWasmTrainingKernels({ replaceSlowKernels: true })', () => {
  it('replaces exactly the slow kernels, once, and leaves the rest of the backend alone', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc).not.toBe(nativeBackpropInput);
    expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).not.toBe(nativeBatchMatMul);
    expect(tf.getKernel('Conv2D', 'wasm').kernelFunc).toBe(nativeConv2D);
    const again = registerWasmTrainingKernels({ replaceSlowKernels: true });
    expect(again.registered).toEqual([]);
    expect(again.skipped).toEqual(expect.arrayContaining([...WASM_SLOW_KERNELS]));
  });

  it('Conv2DBackpropInput matches the cpu kernel on 60 seeded random shapes', async () => {
    const rng = createRng('conv2d-backprop-input');
    let checked = 0;
    while (checked < 60) {
      const c = randomConvCase(rng, checked % 5 === 4 ? 'NCHW' : 'NHWC');
      if (await expectConvGradientMatchesCpu('Conv2DBackpropInput', c, rng)) checked++;
    }
  });

  it('Conv2DBackpropInput matches the cpu kernel on the edge cases of the phase decomposition', async () => {
    // Phases without taps (1×1 stride 2, 2×2 stride 3), stride-2 'same' with its asymmetric padding on
    // odd and even sizes, IResNet's explicitly padded 3×3/2 'valid', a last row no tap reaches, a
    // padding larger than the filter, mixed strides, NCHW and batch 1.
    const cases: {
      inputShape: number[];
      filterShape: number[];
      strides: number | [number, number];
      pad: unknown;
      dataFormat: string;
    }[] = [
      { inputShape: [2, 9, 8, 3], filterShape: [1, 1, 3, 4], strides: 2, pad: 'valid', dataFormat: 'NHWC' },
      { inputShape: [2, 8, 7, 2], filterShape: [2, 2, 2, 3], strides: 3, pad: 'same', dataFormat: 'NHWC' },
      { inputShape: [3, 7, 9, 2], filterShape: [3, 3, 2, 3], strides: 2, pad: 'same', dataFormat: 'NHWC' },
      { inputShape: [2, 10, 10, 4], filterShape: [3, 3, 4, 5], strides: 2, pad: 'valid', dataFormat: 'NHWC' },
      { inputShape: [2, 9, 9, 4], filterShape: [3, 3, 4, 5], strides: 2, pad: 'valid', dataFormat: 'NHWC' },
      {
        inputShape: [1, 6, 5, 3],
        filterShape: [2, 3, 3, 2],
        strides: [2, 1],
        pad: [
          [0, 0],
          [4, 1],
          [0, 3],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
      { inputShape: [2, 3, 9, 8], filterShape: [3, 3, 3, 4], strides: 2, pad: 'same', dataFormat: 'NCHW' },
      { inputShape: [1, 8, 8, 16], filterShape: [3, 3, 16, 8], strides: 2, pad: 1, dataFormat: 'NHWC' },
    ];
    const rng = createRng('conv2d-backprop-input-edges');
    for (const { inputShape, filterShape, strides, pad, dataFormat } of cases) {
      const c = { xShape: inputShape, filterShape, strides, pad, dataFormat };
      expect(await expectConvGradientMatchesCpu('Conv2DBackpropInput', c, rng)).toBe(true);
    }
  });

  it('BatchMatMul with transposed operands matches the cpu kernel (2-D, batched, broadcast)', async () => {
    const rng = createRng('batch-mat-mul');
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 3], [5, 4], true, false],
      [[3, 5], [4, 5], false, true],
      [[5, 3], [4, 5], true, true],
      [[2, 5, 3], [2, 4, 5], true, true],
      [[1, 6, 2], [3, 6, 4], true, false],
      [[3, 4], [4, 2], false, false],
    ];
    for (const [aShape, bShape, transposeA, transposeB] of cases) {
      const inputs = { a: randomHost(rng, aShape), b: randomHost(rng, bShape) };
      const attrs = { transposeA, transposeB };
      const label = JSON.stringify({ aShape, bShape, ...attrs });
      const expected = await runKernelOn('cpu', 'BatchMatMul', inputs, attrs);
      const actual = await runKernelOn('wasm', 'BatchMatMul', inputs, attrs);
      expect(actual.shape, label).toEqual(expected.shape);
      expect(relativeError(actual.values, expected.values), label).toBeLessThan(1e-5);
    }
  });

  it('Sum and Mean match the cpu kernels, over leading axes (pooled) and any other axes (native)', async () => {
    const rng = createRng('reduce-leading-axes');
    const cases: { shape: number[]; axis: number | number[]; keepDims: boolean; dtype?: 'int32' }[] = [
      { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: false },
      { shape: [4, 5, 6, 3], axis: [2, 0, 1], keepDims: true },
      { shape: [3, 7, 2, 5], axis: [-4, -3], keepDims: false },
      { shape: [9, 4], axis: 0, keepDims: false },
      { shape: [2, 1, 3], axis: [0, 1], keepDims: true },
      { shape: [1, 1, 5], axis: [0, 1], keepDims: false }, // a single row: native
      { shape: [4, 5, 6, 3], axis: [1, 2], keepDims: false }, // not leading: native
      { shape: [4, 5, 3], axis: [0, 2], keepDims: false }, // mixed: native
      { shape: [4, 5, 3], axis: [0, 1, 2], keepDims: false }, // all axes: native
      { shape: [6, 4], axis: 0, keepDims: false, dtype: 'int32' }, // int32: native
      // Over 4096 kept elements: native. tfjs-wasm's AvgPool corrupts the heap on a 9-element window
      // over 20 000 channels, so pooling this would fail on the next allocations.
      { shape: [9, 20000], axis: 0, keepDims: false },
      { shape: [3, 3, 4, 4097], axis: [0, 1], keepDims: true },
    ];
    for (const kernelName of ['Sum', 'Mean']) {
      for (const { shape, axis, keepDims, dtype } of cases) {
        const host = randomHost(rng, shape);
        const x =
          dtype === 'int32' ? { ...host, values: host.values.map((v) => Math.round(v * 100)), dtype } : host;
        const attrs = { axis, keepDims };
        const label = JSON.stringify({ kernelName, shape, ...attrs, dtype });
        const expected = await runKernelOn('cpu', kernelName, { x }, attrs);
        const actual = await runKernelOn('wasm', kernelName, { x }, attrs);
        expect(actual.shape, label).toEqual(expected.shape);
        expect(relativeError(actual.values, expected.values), label).toBeLessThan(1e-5);
      }
    }
  });

  it('the replacements leave exactly their output and no engine state behind', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([6, 3]);
    const b = tf.randomNormal([4, 6]);
    const dy = tf.randomNormal<tf.Rank.R4>([2, 4, 3, 5]);
    const filter = tf.randomNormal<tf.Rank.R4>([3, 3, 2, 5]);
    const before = engineState();
    const mm = await countNewTensors(() => tf.matMul(a, b, true, true));
    const bi = await countNewTensors(() => tf.conv2dTranspose(dy, filter, [2, 7, 6, 2], 2, 'same'));
    // 1×1 stride 2: three of the four phases have no taps (zeros).
    const pointwise = tf.randomNormal<tf.Rank.R4>([1, 1, 2, 5]);
    const bz = await countNewTensors(() => tf.conv2dTranspose(dy, pointwise, [2, 8, 6, 2], 2, 'valid'));
    const sum = await countNewTensors(() => tf.sum(dy, [0, 1, 2]));
    const mean = await countNewTensors(() => tf.mean(dy, [0, 1], true));
    expect([mm.newTensors, bi.newTensors, bz.newTensors, sum.newTensors, mean.newTensors]).toEqual([
      1, 1, 1, 1, 1,
    ]);
    expect(engineState()).toEqual(before);
    tf.dispose([mm.result, bi.result, bz.result, sum.result, mean.result, a, b, dy, filter, pointwise]);
  });
});
