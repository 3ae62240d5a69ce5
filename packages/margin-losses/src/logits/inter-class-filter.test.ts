import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { interClassFilter } from './inter-class-filter';

describe('interClassFilter', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('filtering zeroes negatives above τ but never the target', () => {
    const cos = tf.tensor2d([
      [0.9, 0.5, 0.3],
      [0.45, 0.41, 0.2],
    ]);
    const labels = tf.tensor1d([0, -1], 'int32');
    expectTensorsClose(interClassFilter(cos, labels, { threshold: 0.4 }), [
      [0.9, 0, 0.3],
      [0, 0, 0.2],
    ]);
    tf.dispose([cos, labels]);
  });

  it('passes the gradient of kept entries, none of filtered ones, and leaves one tensor', async () => {
    const cos = tf.tensor2d([[0.9, 0.5, 0.3]]);
    const labels = tf.tensor1d([0], 'int32');
    const grad = tf.grad((x: tf.Tensor) =>
      tf.sum(interClassFilter(x as tf.Tensor2D, labels, { threshold: 0.4 })),
    )(cos);
    expectTensorsClose(grad, [[1, 0, 1]]);
    const { result, newTensors } = await countNewTensors(() =>
      interClassFilter(cos, labels, { threshold: 0.4 }),
    );
    expect(newTensors).toBe(1);
    expect(() => interClassFilter(cos, labels, {} as never)).toThrow(/'threshold'/);
    tf.dispose([cos, labels, grad, result]);
  });
});
