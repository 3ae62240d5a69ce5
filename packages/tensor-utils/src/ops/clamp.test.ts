import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../testing/test-backend';

import { initBackend } from '../backend/init-backend';
import { countNewTensors } from '../testing/count-new-tensors';
import { expectTensorsClose } from '../testing/expect-tensors-close';
import { clampCosine, clampStraightThrough, safeLog } from './clamp';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('clampStraightThrough', () => {
  it('clips the value but passes the gradient everywhere', () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 3]);
    expectTensorsClose(clampStraightThrough(x, -1, 1), [-1, -0.5, 0.5, 1]);
    const g = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(clampStraightThrough(v, -1, 1), tf.tensor1d([1, 2, 3, 4]))),
    );
    expectTensorsClose(g(x), [1, 2, 3, 4]);
    expect(() => clampStraightThrough(x, 1, -1)).toThrow(/min 1 must be <= max -1/);
  });

  it('leaks no tensor, forward or backward', async () => {
    const x = tf.tensor1d([-2, 0, 2]);
    const { result, newTensors } = await countNewTensors(() => clampStraightThrough(x, -1, 1));
    expect(newTensors).toBe(1);
    const grads = await countNewTensors(() =>
      tf.grad((v: tf.Tensor) => tf.sum(clampStraightThrough(v, -1, 1)))(x),
    );
    expect(grads.newTensors).toBe(1);
    tf.dispose([x, result, grads.result]);
  });
});

describe('clampCosine', () => {
  it('keeps acos and its gradient finite at exactly +-1', () => {
    const cos = tf.tensor1d([-1, 0, 1]);
    const theta = tf.acos(clampCosine(cos));
    const values = theta.dataSync();
    expect(values[0]).toBeCloseTo(Math.PI, 3);
    expect(values[2]).toBeCloseTo(0, 3);
    const g = tf.grad((c: tf.Tensor) => tf.sum(tf.acos(clampCosine(c, 1e-6))))(tf.tensor1d([-0.999, 0.3]));
    expectTensorsClose(g, [-1 / Math.sqrt(1 - 0.999 ** 2), -1 / Math.sqrt(1 - 0.09)], { rtol: 1e-3 });
    for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
    expect(() => clampCosine(cos, 1)).toThrow(/margin 1/);
  });
});

describe('safeLog', () => {
  it('is log(x) above the floor and log(eps) at zero', () => {
    expectTensorsClose(safeLog(tf.tensor1d([Math.E, 0])), [1, Math.log(1e-12)], { rtol: 1e-5 });
  });
});
