import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createRng } from '../../random/rng';
import { countNewTensors } from '../../testing/count-new-tensors';
import {
  engineState,
  pick,
  randomHost,
  randomPadding,
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
      const dataFormat = checked % 5 === 4 ? 'NCHW' : 'NHWC';
      const n = 1 + rng.int(4);
      const [h, w] = [1 + rng.int(9), 1 + rng.int(9)];
      const [cin, cout] = [1 + rng.int(5), 1 + rng.int(5)];
      const filterShape = [1 + rng.int(4), 1 + rng.int(4), cin, cout];
      const strides = pick(rng, [1, 2, 3, [1, 2], [3, 1]] as const);
      const pad = randomPadding(rng, dataFormat);
      const inputShape = dataFormat === 'NHWC' ? [n, h, w, cin] : [n, cin, h, w];
      const info = tf.backend_util.computeConv2DInfo(
        inputShape as [number, number, number, number],
        filterShape as [number, number, number, number],
        strides as number | [number, number],
        1,
        pad,
        undefined,
        false,
        dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst',
      );
      if (info.outHeight < 1 || info.outWidth < 1) continue;
      const dyShape = dataFormat === 'NHWC' ? info.outShape : [n, cout, info.outHeight, info.outWidth];
      const inputs = { dy: randomHost(rng, dyShape), filter: randomHost(rng, filterShape) };
      const attrs = { strides, pad, dataFormat, inputShape };
      const label = JSON.stringify({ filterShape, ...attrs });
      const expected = await runKernelOn('cpu', 'Conv2DBackpropInput', inputs, attrs);
      const actual = await runKernelOn('wasm', 'Conv2DBackpropInput', inputs, attrs);
      expect(actual.shape, label).toEqual(inputShape);
      expect(relativeError(actual.values, expected.values), label).toBeLessThan(1e-4);
      checked++;
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

  it('the replacements leave exactly their output and no engine state behind', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([6, 3]);
    const b = tf.randomNormal([4, 6]);
    const dy = tf.randomNormal<tf.Rank.R4>([2, 4, 3, 5]);
    const filter = tf.randomNormal<tf.Rank.R4>([3, 3, 2, 5]);
    const before = engineState();
    const mm = await countNewTensors(() => tf.matMul(a, b, true, true));
    const bi = await countNewTensors(() => tf.conv2dTranspose(dy, filter, [2, 7, 6, 2], 2, 'same'));
    expect([mm.newTensors, bi.newTensors]).toEqual([1, 1]);
    expect(engineState()).toEqual(before);
    tf.dispose([mm.result, bi.result, a, b, dy, filter]);
  });
});
