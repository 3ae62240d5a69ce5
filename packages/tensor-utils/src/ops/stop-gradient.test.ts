import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../testing/test-backend';

import { initBackend } from '../backend/init-backend';
import { countNewTensors } from '../testing/count-new-tensors';
import { expectTensorsClose } from '../testing/expect-tensors-close';
import { stopGradient } from './stop-gradient';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('stopGradient', () => {
  it('is the identity forward and blocks the gradient', () => {
    const x = tf.tensor1d([1, 2, 3]);
    expectTensorsClose(stopGradient(x), [1, 2, 3]);
    // d/dx [x * x + stopGradient(x) * 10] = 2x (the stopped term contributes nothing).
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(v, v), tf.mul(stopGradient(v), 10))));
    expectTensorsClose(g(x), [2, 4, 6]);
  });

  it('makes a straight-through estimator: value of f(x), gradient of x', () => {
    const x = tf.tensor1d([0.2, 0.7]);
    const ste = (v: tf.Tensor) => tf.add(v, stopGradient(tf.sub(tf.square(v), v)));
    expectTensorsClose(ste(x), [0.04, 0.49]);
    expectTensorsClose(tf.grad((v: tf.Tensor) => tf.sum(ste(v)))(x), [1, 1]);
  });

  it('leaks no tensor', async () => {
    const x = tf.tensor1d([1]);
    const { result, newTensors } = await countNewTensors(() => stopGradient(x));
    expect(newTensors).toBe(1);
    tf.dispose([x, result]);
  });
});
