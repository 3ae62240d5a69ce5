import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { cosDeg, lossAndGrad, targetDerivatives, targetLogits } from '../../test/margin-helpers';
import { marginCrossEntropy } from '../loss/cross-entropy';
import { arcFaceLogits } from './arc-face';

// Expected numbers: margin-losses.md §6 (cos(θ + 0.5), the monotone fallback cos θ − m·sin m).
describe('arcFaceLogits', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  const degrees = [0, 30, 45, 60, 90, 160, 170, 180];

  it('straight-through: cos(θ + m) as is, also past π − m (arcface_torch)', () => {
    const st = (c: tf.Tensor2D, y: tf.Tensor1D) => arcFaceLogits(c, y, { s: 1 });
    expectTensorsClose(
      targetLogits(st, degrees.map(cosDeg)),
      [0.877583, 0.520296, 0.28154, 0.023597, -0.479426, -0.988631, -0.947501, -0.877583],
      { atol: 2e-6 },
    );
    expectTensorsClose(targetDerivatives(st, [0.9, 0.2, -0.99]), [1, 1, 1]);
  });

  it('exact: monotone fallback cos θ − m·sin m past π − m', () => {
    const exact = (c: tf.Tensor2D, y: tf.Tensor1D) => arcFaceLogits(c, y, { s: 1, gradient: 'exact' });
    expectTensorsClose(
      targetLogits(exact, degrees.slice(1).map(cosDeg)),
      [0.520296, 0.28154, 0.023597, -0.479426, -1.179405, -1.224521, -1.239713],
      { atol: 2e-6 },
    );
    // At θ = 0 the ε-clamp (cos ≤ 1 − 1e-7, float32 0.99999988) moves θ to 4.9e-4 rad.
    expect(targetLogits(exact, [1])[0]).toBeCloseTo(Math.cos(Math.acos(Math.fround(1 - 1e-7)) + 0.5), 5);
    expectTensorsClose(
      targetDerivatives(exact, [0.9, 0.5, 0, -0.5]),
      [1.867472, 1.154379, 0.877583, 0.600786],
      { rtol: 2e-5 },
    );
  });

  it('easy margin keeps cos θ where cos θ ≤ 0', () => {
    const easy = (c: tf.Tensor2D, y: tf.Tensor1D) => arcFaceLogits(c, y, { s: 1, easyMargin: true });
    expectTensorsClose(targetLogits(easy, [0.8, -0.3]), [0.414411, -0.3], { atol: 2e-6 });
  });

  it('loss examples (s = 8 and s = 64) and the exact target gradient', () => {
    const st = lossAndGrad((c, y) => arcFaceLogits(c, y, { s: 8 }), [0.8, 0.3, -0.2], marginCrossEntropy);
    expect(st.loss).toBeCloseTo(0.341983, 5);
    expectTensorsClose(st.grad, [-2.317115, 2.275439, 0.041676], { rtol: 1e-5, atol: 1e-5 });
    const exact = lossAndGrad(
      (c, y) => arcFaceLogits(c, y, { s: 8, gradient: 'exact' }),
      [0.8, 0.3, -0.2],
      marginCrossEntropy,
    );
    expect(exact.grad[0]).toBeCloseTo(-3.514639, 4);
    const s64 = lossAndGrad((c, y) => arcFaceLogits(c, y), [0.5, 0.2, -0.1], marginCrossEntropy);
    expect(s64.loss).toBeCloseTo(11.289831, 4);
  });

  it('rows labelled -1 get no margin', () => {
    const cos = tf.tensor2d([
      [0.8, 0.3],
      [0.8, 0.3],
    ]);
    const labels = tf.tensor1d([0, -1], 'int32');
    expectTensorsClose(
      arcFaceLogits(cos, labels, { s: 2 }),
      [
        [0.828822, 0.6],
        [1.6, 0.6],
      ],
      { atol: 1e-5 },
    );
    tf.dispose([cos, labels]);
  });

  it('leaves exactly one new tensor', async () => {
    const cos = tf.tensor2d([[0.5, 0.1]]);
    const labels = tf.tensor1d([0], 'int32');
    for (const gradient of ['straightThrough', 'exact'] as const) {
      const { result, newTensors } = await countNewTensors(() => arcFaceLogits(cos, labels, { gradient }));
      expect(newTensors).toBe(1);
      result.dispose();
    }
    tf.dispose([cos, labels]);
  });
});
