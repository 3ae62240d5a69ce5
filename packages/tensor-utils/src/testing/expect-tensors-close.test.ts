import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from './test-backend';

import { initBackend } from '../backend/init-backend';
import { countNewTensors } from './count-new-tensors';
import { expectTensorsClose } from './expect-tensors-close';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('expectTensorsClose', () => {
  it('accepts values within atol + rtol * |expected|', () => {
    expectTensorsClose(tf.tensor1d([1.00001, 100.001]), [1, 100], { rtol: 1e-5, atol: 1e-5 });
    expectTensorsClose(new Float32Array([NaN, Infinity]), [NaN, Infinity]);
    expectTensorsClose(3, 3);
  });

  it('names the first and worst mismatch', () => {
    expect(() => expectTensorsClose([1, 2, 3.5, 10], [1, 2.1, 3, 10], { label: 'case A' })).toThrow(
      /case A: 2 of 4 values differ.*first at index 1: got 2, expected 2.1.*worst at index 2: got 3.5, expected 3/,
    );
    expect(() => expectTensorsClose([NaN], [0])).toThrow(/got NaN/);
    expect(() => expectTensorsClose([Infinity], [1e30])).toThrow(/1 of 1/);
  });

  it('checks shapes', () => {
    expect(() => expectTensorsClose(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(
      /shape \[2, 3\] differs from expected \[3, 2\]/,
    );
    expect(() => expectTensorsClose([1, 2], [1, 2, 3])).toThrow(/shape \[2\]/);
    expect(() => expectTensorsClose(new Float32Array(2), [[0, 0]])).not.toThrow();
  });
});

describe('countNewTensors', () => {
  it('counts what a function leaves alive, sync or async', async () => {
    const one = await countNewTensors(() => tf.tidy(() => tf.add(tf.ones([2]), 1)));
    expect(one.newTensors).toBe(1);
    expect(one.newBytes).toBe(8);
    one.result.dispose();
    const leaky = await countNewTensors(async () => {
      const a = tf.ones([3]);
      const b = tf.mul(a, 2);
      await b.data();
      return b;
    });
    expect(leaky.newTensors).toBe(2);
    tf.disposeVariables();
    tf.dispose(leaky.result);
  });
});
