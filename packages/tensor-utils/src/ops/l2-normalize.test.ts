import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../testing/test-backend';

import { initBackend } from '../backend/init-backend';
import { countNewTensors } from '../testing/count-new-tensors';
import { expectTensorsClose } from '../testing/expect-tensors-close';
import { l2Normalize } from './l2-normalize';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('l2Normalize', () => {
  it('normalises rows and columns (hand-worked 3-4-5 triangles)', () => {
    const x = tf.tensor2d([
      [3, 4],
      [0, -2],
    ]);
    expectTensorsClose(l2Normalize(x), [
      [0.6, 0.8],
      [0, -1],
    ]);
    // columns: norms 3 and sqrt(20)
    expectTensorsClose(l2Normalize(x, 0), [
      [1, 4 / Math.sqrt(20)],
      [0, -2 / Math.sqrt(20)],
    ]);
  });

  it('has the Jacobian (I - u u^T) / |x|', () => {
    // x = [3, 4], u = [0.6, 0.8], dy = [1, 0]: dx = ([1, 0] - 0.6 u) / 5 = [0.128, -0.096].
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(l2Normalize(x), tf.tensor1d([1, 0]))));
    expectTensorsClose(g(tf.tensor1d([3, 4])), [0.128, -0.096]);
  });

  it('maps a zero vector to zero with a finite gradient', () => {
    const x = tf.zeros([1, 4]);
    expectTensorsClose(l2Normalize(x), [[0, 0, 0, 0]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(l2Normalize(v)))(x);
    for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
  });

  it('leaks no tensor', async () => {
    const x = tf.randomNormal([8, 16]);
    const { result, newTensors } = await countNewTensors(() => l2Normalize(x, 1));
    expect(newTensors).toBe(1);
    tf.dispose([x, result]);
  });
});
