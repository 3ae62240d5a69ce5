import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { countNewTensors } from '../testing/count-new-tensors';
import { expectTensorsClose } from '../testing/expect-tensors-close';
import { testBackend } from '../testing/test-backend';
import { initBackend } from './init-backend';
import { installTensorflowConvFixes } from './tensorflow-conv-fixes';

// The convolutions that TensorFlow 2.21's oneDNN kernels get wrong (or crash on: without the fixes this
// file's worker dies), on the tensorflow backend, against tfjs' pure-JS cpu backend.
const native = testBackend() === 'tensorflow';

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed));

interface Case {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
  op: 'conv' | 'fused' | 'depthwise';
}

const CASES: Case[] = [];
for (const [b, h, cin, cout] of [
  [1, 16, 1, 8],
  [1, 16, 2, 1],
  [1, 16, 8, 8],
  [4, 16, 8, 1],
  [2, 7, 3, 4],
  [1, 9, 16, 32],
] as const)
  for (const pad of ['same', 'valid'] as const)
    CASES.push({
      label: `1x1 stride 2 ${pad} x[${b},${h},${h},${cin}] → ${cout}`,
      x: [b, h, h, cin],
      filter: [1, 1, cin, cout],
      strides: 2,
      pad,
      op: 'conv',
    });
CASES.push(
  {
    label: '1x1 strides [2, 3]',
    x: [2, 11, 10, 4],
    filter: [1, 1, 4, 6],
    strides: [2, 3],
    pad: 'same',
    op: 'conv',
  },
  {
    label: 'fused 1x1 stride 2 + bias + relu',
    x: [1, 16, 16, 8],
    filter: [1, 1, 8, 8],
    strides: 2,
    pad: 'valid',
    op: 'fused',
  },
  {
    label: 'one input channel, 7x7 valid',
    x: [2, 7, 7, 1],
    filter: [7, 7, 1, 1],
    strides: 1,
    pad: 'valid',
    op: 'conv',
  },
  {
    label: 'one input channel, 3x3 stride 2 same',
    x: [2, 9, 9, 1],
    filter: [3, 3, 1, 5],
    strides: 2,
    pad: 'same',
    op: 'conv',
  },
  {
    label: 'depthwise, one channel, multiplier 3',
    x: [2, 8, 8, 1],
    filter: [3, 3, 1, 3],
    strides: 1,
    pad: 'same',
    op: 'depthwise',
  },
  {
    label: 'ordinary 3x3 (not rewritten)',
    x: [2, 8, 8, 3],
    filter: [3, 3, 3, 4],
    strides: 1,
    pad: 'same',
    op: 'conv',
  },
);

/** Output, input gradient and filter gradient of `sum(conv(x, f) · probe)`. */
function run(c: Case): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      values(
        c.x.reduce((a, v) => a * v),
        1,
      ),
      c.x,
    );
    const f = tf.tensor4d(
      values(
        c.filter.reduce((a, v) => a * v),
        2,
      ),
      c.filter,
    );
    const bias = tf.tensor1d(values(c.filter[3], 3));
    const conv = (a: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D =>
      c.op === 'depthwise'
        ? tf.depthwiseConv2d(a, w, c.strides, c.pad)
        : c.op === 'fused'
          ? tf.fused.conv2d({ x: a, filter: w, strides: c.strides, pad: c.pad, bias, activation: 'relu' })
          : tf.conv2d(a, w, c.strides, c.pad);
    const y = conv(x, f);
    const probe = tf.tensor(values(y.size, 4), y.shape);
    const [dx, df] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor4D, w as tf.Tensor4D), probe)),
    )([x, f]);
    return [y, dx!, df!].map((t) => t.dataSync() as Float32Array);
  });
}

describe.runIf(native)('tensorflow conv fixes (oneDNN work-arounds)', () => {
  it('gives the hand-worked 1x1 stride-2 conv and its gradients', async () => {
    await initBackend({ backend: 'tensorflow' });
    // x = 0…15 on a 4×4 grid, filter 2: the output reads (0,0), (0,2), (2,0), (2,2) = 0, 2, 8, 10.
    const x = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => i),
      [1, 4, 4, 1],
    );
    const f = tf.tensor4d([2], [1, 1, 1, 1]);
    const y = tf.conv2d(x, f, 2, 'same');
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expectTensorsClose(y.dataSync(), [0, 4, 16, 20]);
    const [dx, df] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid')),
    )([x, f]);
    expectTensorsClose(dx!.dataSync(), [2, 0, 2, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0]);
    expectTensorsClose(df!.dataSync(), [0 + 2 + 8 + 10]);
    tf.dispose([x, f, y, dx!, df!]);
  });

  it.each(CASES.map((c) => [c.label, c] as const))('%s: matches the cpu backend', async (_, c) => {
    await initBackend({ backend: 'cpu' });
    const expected = run(c);
    await initBackend({ backend: 'tensorflow' });
    const got = run(c);
    ['output', 'input gradient', 'filter gradient'].forEach((part, i) =>
      expectTensorsClose(got[i]!, expected[i]!, { rtol: 1e-4, atol: 1e-4, label: `${c.label}: ${part}` }),
    );
  });

  it('leaks no tensors and installs once', async () => {
    await initBackend({ backend: 'tensorflow' });
    expect(installTensorflowConvFixes()).toBe(true);
    const kernel = tf.getKernel('Conv2D', 'tensorflow');
    expect(installTensorflowConvFixes()).toBe(true);
    expect(tf.getKernel('Conv2D', 'tensorflow')).toBe(kernel);
    for (const c of CASES) expect((await countNewTensors(() => void run(c))).newTensors, c.label).toBe(0);
  });
});
