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
      const dataFormat = checked % 5 === 4 ? 'NCHW' : 'NHWC';
      const n = 1 + rng.int(4);
      const [h, w] = [1 + rng.int(9), 1 + rng.int(9)];
      const [cin, cout] = [1 + rng.int(5), 1 + rng.int(5)];
      const filterShape = [1 + rng.int(4), 1 + rng.int(4), cin, cout];
      const strides = pick(rng, [1, 2, 3, [1, 2], [3, 1]] as const);
      const pad = randomPadding(rng, dataFormat);
      const xShape = dataFormat === 'NHWC' ? [n, h, w, cin] : [n, cin, h, w];
      const info = tf.backend_util.computeConv2DInfo(
        xShape as [number, number, number, number],
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
      const inputs = { x: randomHost(rng, xShape), dy: randomHost(rng, dyShape) };
      const attrs = { strides, pad, dataFormat, filterShape };
      const label = JSON.stringify({ xShape, ...attrs });
      const expected = await runKernelOn('cpu', 'Conv2DBackpropFilter', inputs, attrs);
      const actual = await runKernelOn('wasm', 'Conv2DBackpropFilter', inputs, attrs);
      expect(actual.shape, label).toEqual(filterShape);
      expect(relativeError(actual.values, expected.values), label).toBeLessThan(1e-4);
      checked++;
    }
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
