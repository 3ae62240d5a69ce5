import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { SelfAttention } from './self-attention';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('SelfAttention (SAGAN)', () => {
  it('is the identity at initialisation (γ = 0)', async () => {
    const layer = new SelfAttention({ seed: 1 });
    const x = tf.randomNormal([2, 3, 3, 16]);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const { result, newTensors } = await countNewTensors(() => layer.apply(x) as tf.Tensor);
    expect(newTensors).toBe(1);
    expectTensorsClose(result, x, { rtol: 0, atol: 0 });
    tf.dispose([x, result]);
  });

  it('matches a hand computation on two positions', () => {
    // C = 8, C/8 = 1: f(x) = x·q, g(x) = x·k scalars; h(x) = x·V. Positions p0, p1.
    const layer = new SelfAttention();
    const x = tf.tensor4d([1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0], [1, 1, 2, 8]);
    layer.build(x.shape);
    const q = [1, 1, 0, 0, 0, 0, 0, 0];
    const k = [0.5, 1, 0, 0, 0, 0, 0, 0];
    const eye = tf.eye(8);
    layer.setWeights([tf.tensor2d(q, [8, 1]), tf.tensor2d(k, [8, 1]), eye, tf.tensor1d([1])]);
    const y = layer.apply(x) as tf.Tensor;
    // f = [1, 2], g = [0.5, 2]; β_j = softmax_i(g_j f_i): j0 → softmax([0.5, 1]); j1 → softmax([2, 4]).
    const soft = (a: number, b: number) => [
      Math.exp(a) / (Math.exp(a) + Math.exp(b)),
      Math.exp(b) / (Math.exp(a) + Math.exp(b)),
    ];
    const [a0, a1] = soft(0.5, 1);
    const [b0, b1] = soft(2, 4);
    const expected = [1 + a0!, 2 * a1!, 0, 0, 0, 0, 0, 0, b0!, 2 + 2 * b1!, 0, 0, 0, 0, 0, 0];
    expectTensorsClose(tf.reshape(y, [-1]), expected, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([x, y, eye]);
  });
});
