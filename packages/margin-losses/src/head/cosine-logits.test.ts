import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend, l2Normalize } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { cosineLogits } from './cosine-logits';

/** The same maths by plain autodiff, as the reference for the analytic gradient. */
const autodiffCosine = (x: tf.Tensor2D, w: tf.Tensor2D) =>
  tf.clipByValue(tf.matMul(l2Normalize(x, 1), l2Normalize(w, 1), false, true), -1, 1);

describe('cosineLogits', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('value: cosines of rows, e.g. [3, 4]·[1, 0] → 0.6', () => {
    const x = tf.tensor2d([
      [3, 4],
      [0, 0],
    ]);
    const w = tf.tensor2d([
      [1, 0],
      [0, 2],
      [-3, -4],
    ]);
    expectTensorsClose(
      cosineLogits(x, w),
      [
        [0.6, 0.8, -1],
        [0, 0, 0],
      ],
      { atol: 1e-6 },
    );
    tf.dispose([x, w]);
  });

  it('analytic gradient equals autodiff through the normalisation, zero rows included', () => {
    const x = tf.tensor2d([
      [0.3, -1.2, 0.5],
      [0, 0, 0],
      [2, 1, -0.5],
    ]);
    const w = tf.tensor2d([
      [1, 0.2, -0.3],
      [-0.5, 0.5, 2],
      [0.01, 0.02, -0.01],
      [0.3, -1.2, 0.5],
    ]);
    const upstream = tf.tensor2d([
      [1, -2, 0.5, 3],
      [0.2, 0.1, -1, 2],
      [-1, 1, 2, -0.5],
    ]);
    const loss = (f: typeof autodiffCosine) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), upstream));
    const expected = tf.grads(loss(autodiffCosine))([x, w]);
    const actual = tf.grads(loss(cosineLogits))([x, w]);
    expectTensorsClose(actual[0]!, expected[0]!, { rtol: 1e-4, atol: 1e-4, label: 'd/dx' });
    expectTensorsClose(actual[1]!, expected[1]!, { rtol: 1e-4, atol: 1e-5, label: 'd/dW' });
    tf.dispose([x, w, upstream, expected, actual]);
  });

  it('leaves exactly one tensor, with and without a gradient tape', async () => {
    const x = tf.tensor2d([[1, 2]]);
    const w = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const { result, newTensors } = await countNewTensors(() => cosineLogits(x, w));
    expect(newTensors).toBe(1);
    const grads = await countNewTensors(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(cosineLogits(a as tf.Tensor2D, b as tf.Tensor2D)))([
        x,
        w,
      ]),
    );
    expect(grads.newTensors).toBe(2);
    expect(() => cosineLogits(x, tf.zeros([2, 3]))).toThrow(/must share dim/);
    tf.dispose([x, w, result, grads.result]);
  });
});
