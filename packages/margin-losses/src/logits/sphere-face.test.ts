import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { cosDeg, targetLogits } from '../../test/margin-helpers';
import { sphereFaceLambda, sphereFaceLogits } from './sphere-face';

// Expected numbers: margin-losses.md §6 (ψ(θ) = (−1)^k cos(4θ) − 2k; face.evoLVe λ schedule).
describe('sphereFaceLogits', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('ψ is the monotonic extension of cos(4θ)', () => {
    const psi = (c: tf.Tensor2D, y: tf.Tensor1D) => sphereFaceLogits(c, y, { m: 4 });
    expectTensorsClose(
      targetLogits(psi, [0, 20, 30, 45, 60, 90, 135, 180].map(cosDeg)),
      [1, 0.173648, -0.5, -1, -1.5, -3, -5, -7],
      { atol: 1e-5 },
    );
  });

  it('λ = 5 and ‖x‖ = 2: logits [0.333333, 0.4, −0.2]', () => {
    const cos = tf.tensor2d([[0.5, 0.2, -0.1]]);
    const labels = tf.tensor1d([0], 'int32');
    const norms = tf.tensor1d([2]);
    expectTensorsClose(
      sphereFaceLogits(cos, labels, { lambda: 5, featureNorms: norms }),
      [[0.333333, 0.4, -0.2]],
      { atol: 1e-6 },
    );
    tf.dispose([cos, labels, norms]);
  });

  it('λ schedule: 892.857, 76.923, 8.264, 5', () => {
    expect(sphereFaceLambda(1)).toBeCloseTo(892.857, 3);
    expect(sphereFaceLambda(100)).toBeCloseTo(76.923, 3);
    expect(sphereFaceLambda(1000)).toBeCloseTo(8.264, 3);
    expect(sphereFaceLambda(10000)).toBe(5);
  });

  it('has finite gradients at cos = ±1 and leaves one tensor', async () => {
    const cos = tf.tensor2d([
      [1, -1],
      [-1, 1],
    ]);
    const labels = tf.tensor1d([0, 0], 'int32');
    const g = tf.grad((x: tf.Tensor) => tf.sum(sphereFaceLogits(x as tf.Tensor2D, labels)))(cos);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    const { result, newTensors } = await countNewTensors(() => sphereFaceLogits(cos, labels, { lambda: 2 }));
    expect(newTensors).toBe(1);
    expect(() => sphereFaceLogits(cos, labels, { m: 1.5 })).toThrow(/'m' must be an integer/);
    tf.dispose([cos, labels, g, result]);
  });
});
