import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createRng } from '../../random/rng';
import type { Rng } from '../../random/rng';
import { countNewTensors } from '../../testing/count-new-tensors';
import {
  dilateFilter,
  engineState,
  pick,
  randomHost,
  randomPadding,
  relativeError,
  runKernelOn,
  undilateFilter,
} from './kernel-test-harness';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

interface DepthwiseCase {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  dyShape: number[];
  strides: number | [number, number];
  dilations: [number, number];
  pad: ReturnType<typeof randomPadding>;
}

/** A random depthwise geometry with a non-empty output, or null to draw again. */
function randomCase(rng: Rng): DepthwiseCase | null {
  const n = 1 + rng.int(4);
  const xShape: [number, number, number, number] = [n, 1 + rng.int(10), 1 + rng.int(10), 1 + rng.int(4)];
  const filterShape: [number, number, number, number] = [
    1 + rng.int(4),
    1 + rng.int(4),
    xShape[3],
    1 + rng.int(2),
  ];
  const strides = pick(rng, [1, 2, 3, [2, 1], [1, 3]] as const) as number | [number, number];
  const dilations = pick(rng, [
    [1, 1],
    [1, 1],
    [2, 2],
    [1, 2],
    [2, 1],
  ] as const) as [number, number];
  const pad = randomPadding(rng);
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    strides,
    dilations,
    pad,
    undefined,
    true,
  );
  if (info.outHeight < 1 || info.outWidth < 1) return null;
  return { xShape, filterShape, dyShape: info.outShape, strides, dilations, pad };
}

describe('wasm DepthwiseConv2dNativeBackpropFilter', () => {
  it('matches the cpu kernel on 60 seeded random shapes (strides 1-3, dilations 1-2, multipliers 1-2)', async () => {
    const rng = createRng('depthwise-backprop-filter');
    let checked = 0;
    while (checked < 60) {
      const c = randomCase(rng);
      if (c == null) continue;
      const inputs = { x: randomHost(rng, c.xShape), dy: randomHost(rng, c.dyShape) };
      const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, filterShape: c.filterShape };
      const label = JSON.stringify({ xShape: c.xShape, ...attrs });
      // Reference: the cpu kernel on the equivalent undilated filter, then every d-th tap of its gradient.
      const [dh, dw] = c.dilations;
      const expandedShape = dilateFilter({ values: [], shape: c.filterShape }, dh, dw).shape;
      const expected = undilateFilter(
        await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', inputs, {
          ...attrs,
          dilations: [1, 1],
          filterShape: expandedShape,
        }),
        dh,
        dw,
      );
      const actual = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
      expect(actual.shape, label).toEqual(c.filterShape);
      expect(relativeError(actual.values, expected.values), label).toBeLessThan(1e-4);
      checked++;
    }
  });
});

describe('wasm DepthwiseConv2dNativeBackpropInput', () => {
  it('matches the cpu kernel on 60 seeded random shapes (strides 1-3, dilations 1-2, multipliers 1-2)', async () => {
    const rng = createRng('depthwise-backprop-input');
    let checked = 0;
    while (checked < 60) {
      const c = randomCase(rng);
      if (c == null) continue;
      const filter = randomHost(rng, c.filterShape);
      const dy = randomHost(rng, c.dyShape);
      const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, inputShape: c.xShape };
      const label = JSON.stringify({ filterShape: c.filterShape, ...attrs });
      const [dh, dw] = c.dilations;
      const expected = await runKernelOn(
        'cpu',
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter: dilateFilter(filter, dh, dw) },
        { ...attrs, dilations: [1, 1] },
      );
      const actual = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs);
      expect(actual.shape, label).toEqual(c.xShape);
      expect(relativeError(actual.values, expected.values), label).toBeLessThan(1e-4);
      checked++;
    }
  });

  it('agrees with the cpu kernel directly when dilation is 1 (no reference rewriting)', async () => {
    const rng = createRng('depthwise-direct');
    const attrs = { strides: 2, dilations: 1, pad: 'same', inputShape: [2, 9, 8, 3] };
    const dy = randomHost(rng, [2, 5, 4, 6]);
    const filter = randomHost(rng, [3, 3, 3, 2]);
    const expected = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs);
    const actual = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs);
    expect(relativeError(actual.values, expected.values)).toBeLessThan(1e-4);
  });
});

describe('wasm depthwise backprop kernels: memory and errors', () => {
  it('leave exactly their output and no engine state behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 7, 6, 3]);
    const dy = tf.randomNormal([2, 4, 3, 6]);
    const filter = tf.randomNormal([3, 3, 3, 2]);
    const common = { strides: 2, dilations: 1, pad: 'same' };
    const before = engineState();
    const f = await countNewTensors(() =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x, dy },
        {
          ...common,
          filterShape: [3, 3, 3, 2],
        },
      ),
    );
    const i = await countNewTensors(() =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter },
        {
          ...common,
          inputShape: [2, 7, 6, 3],
        },
      ),
    );
    expect([f.newTensors, i.newTensors]).toEqual([1, 1]);
    expect(engineState()).toEqual(before);
    tf.dispose([f.result, i.result, x, dy, filter]);
  });

  it('names the unsupported attribute in its errors', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([1, 5, 5, 2]);
    const filter = tf.zeros([3, 3, 2, 1]);
    const run = (attrs: object) => () =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter },
        {
          strides: 1,
          dilations: 1,
          pad: 'same',
          inputShape: [1, 5, 5, 2],
          ...attrs,
        },
      );
    expect(run({ dilations: [1.5, 1] })).toThrow(
      /DepthwiseConv2dNativeBackpropInput: unsupported dilations \[1.5,1\]/,
    );
    expect(
      run({
        pad: [
          [1, 1],
          [1, 1],
        ],
      }),
    ).toThrow(/unsupported pad/);
    expect(run({ inputShape: [1, 5, 5] })).toThrow(/expected rank-4/);
    tf.dispose([dy, filter]);
  });
});
