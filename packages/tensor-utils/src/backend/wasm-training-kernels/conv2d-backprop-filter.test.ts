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
  runKernelOn,
} from './kernel-test-harness';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

describe('wasm Conv2DBackpropFilter', () => {
  it('matches the cpu kernel on 60 seeded random shapes (strides 1-3, same/valid/number/explicit, NHWC/NCHW)', async () => {
    const rng = createRng('conv2d-backprop-filter');
    let checked = 0;
    while (checked < 60) {
      const c = randomConvCase(rng, checked % 5 === 4 ? 'NCHW' : 'NHWC');
      if (await expectConvGradientMatchesCpu('Conv2DBackpropFilter', c, rng)) checked++;
    }
  });

  it('matches the cpu kernel on the edge cases of the dilated-convolution formulation', async () => {
    // Stride 2 'same' with asymmetric (0 before, 1 after) padding on odd and even sizes, 1×1 stride 2,
    // 'valid' where the last rows and columns are read by no tap (cropped), NCHW with stride 2,
    // batch 1, more channels than the batch, and a filter as large as the input.
    const cases: {
      xShape: number[];
      filterShape: number[];
      strides: number | [number, number];
      pad: unknown;
      dataFormat: string;
    }[] = [
      { xShape: [2, 8, 8, 3], filterShape: [3, 3, 3, 4], strides: 2, pad: 'same', dataFormat: 'NHWC' },
      { xShape: [3, 7, 9, 2], filterShape: [3, 3, 2, 3], strides: 2, pad: 'same', dataFormat: 'NHWC' },
      { xShape: [2, 9, 7, 5], filterShape: [1, 1, 5, 6], strides: 2, pad: 'valid', dataFormat: 'NHWC' },
      { xShape: [2, 10, 10, 3], filterShape: [3, 3, 3, 2], strides: 2, pad: 'valid', dataFormat: 'NHWC' },
      { xShape: [2, 3, 9, 8], filterShape: [3, 3, 3, 4], strides: 2, pad: 'same', dataFormat: 'NCHW' },
      {
        xShape: [1, 6, 5, 7],
        filterShape: [3, 2, 7, 9],
        strides: [2, 1],
        pad: [
          [0, 0],
          [2, 0],
          [0, 1],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
      { xShape: [1, 5, 5, 16], filterShape: [3, 3, 16, 8], strides: 1, pad: 'same', dataFormat: 'NHWC' },
      { xShape: [2, 4, 3, 2], filterShape: [4, 3, 2, 3], strides: 1, pad: 'valid', dataFormat: 'NHWC' },
    ];
    const rng = createRng('conv2d-backprop-filter-edges');
    for (const { xShape, filterShape, strides, pad, dataFormat } of cases) {
      const c = { xShape, filterShape, strides, pad, dataFormat };
      expect(await expectConvGradientMatchesCpu('Conv2DBackpropFilter', c, rng)).toBe(true);
    }
  });

  it('computes a hand-worked stride-2 "same" case (padding 0 before, 1 after)', async () => {
    // x[h][w] = 4h + w + 1 on a 4×4 image, dy = [[1, 2], [3, 4]], 3×3 filter, stride 2: 'same' pads
    // (2 − 1)·2 + 3 − 4 = 1 row and column, all after. dW[kh][kw] = Σ dy[h][w]·x[2h + kh][2w + kw]
    // with x = 0 outside, e.g. dW[0][0] = 1·1 + 2·3 + 3·9 + 4·11 = 78, dW[2][2] = 1·11 = 11.
    const inputs = {
      x: { values: Array.from({ length: 16 }, (_, i) => i + 1), shape: [1, 4, 4, 1] },
      dy: { values: [1, 2, 3, 4], shape: [1, 2, 2, 1] },
    };
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1] };
    const actual = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs);
    expect(actual.shape).toEqual([3, 3, 1, 1]);
    expect(Array.from(actual.values)).toEqual([78, 88, 36, 118, 128, 52, 31, 34, 11]);
  });

  it('leaves no tensors and no engine state behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 7, 6, 3]);
    const dy = tf.randomNormal([2, 4, 3, 5]);
    const before = engineState();
    const { result, newTensors } = await countNewTensors(() =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          strides: 2,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [3, 3, 3, 5],
        },
      ),
    );
    expect(newTensors).toBe(1);
    expect(engineState()).toEqual(before);
    tf.dispose([result, x, dy]);
  });

  it('names the unsupported attribute in its errors', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 5, 5, 3]);
    const run = (attrs: object) => () =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [3, 3, 2, 3],
          ...attrs,
        },
      );
    expect(run({ dataFormat: 'NCDHW' })).toThrow(/Conv2DBackpropFilter: unsupported dataFormat "NCDHW"/);
    expect(run({ pad: 'causal' })).toThrow(/unsupported pad "causal"/);
    expect(run({ strides: 0 })).toThrow(/unsupported strides 0/);
    expect(run({ dimRoundingMode: 'up' })).toThrow(/unsupported dimRoundingMode "up"/);
    expect(run({ strides: 2 })).toThrow(
      /dy has shape \[1, 5, 5, 3\] but the forward convolution produces \[1, 3, 3, 3\]/,
    );
    tf.dispose([x, dy]);
  });
});
