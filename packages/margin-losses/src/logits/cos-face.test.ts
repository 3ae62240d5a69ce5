import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { cosDeg, lossAndGrad, targetDerivatives, targetLogits } from '../../test/margin-helpers';
import { marginCrossEntropy } from '../loss/cross-entropy';
import { cosFaceLogits } from './cos-face';
import { normFaceLogits } from './norm-face';
import { softmaxLogits } from './softmax';

// Expected numbers: margin-losses.md §6 (s = 8, cos = [0.8, 0.3, −0.2], y = 0).
describe('softmaxLogits, normFaceLogits, cosFaceLogits', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('softmax returns the logits unchanged', () => {
    const r = lossAndGrad((c, y) => softmaxLogits(c, y), [2, 1, 0], marginCrossEntropy);
    // −log(e² / (e² + e + 1)) = 0.407606
    expect(r.loss).toBeCloseTo(0.407606, 5);
  });

  it('NormFace: loss 0.018479 and gradient s·(p − onehot)', () => {
    const r = lossAndGrad((c, y) => normFaceLogits(c, y, { s: 8 }), [0.8, 0.3, -0.2], marginCrossEntropy);
    expect(r.loss).toBeCloseTo(0.018479, 5);
    expectTensorsClose(r.grad, [-0.146477, 0.143842, 0.002635], { atol: 2e-6 });
  });

  it('CosFace: target cos θ − m, loss examples at s = 8 and s = 64', () => {
    const unscaled = (c: tf.Tensor2D, y: tf.Tensor1D) => cosFaceLogits(c, y, { s: 1, m: 0.4 });
    expectTensorsClose(
      targetLogits(unscaled, [0, 30, 90, 160].map(cosDeg)),
      [0.6, 0.466025, -0.4, -1.339693],
      { atol: 2e-6 },
    );
    expectTensorsClose(targetDerivatives(unscaled, [0.3]), [1]);
    const s8 = lossAndGrad(
      (c, y) => cosFaceLogits(c, y, { s: 8, m: 0.4 }),
      [0.8, 0.3, -0.2],
      marginCrossEntropy,
    );
    expect(s8.loss).toBeCloseTo(0.376763, 5);
    expectTensorsClose(s8.grad, [-2.51137, 2.4662, 0.04517], { rtol: 1e-5, atol: 1e-5 });
    const s64 = lossAndGrad((c, y) => cosFaceLogits(c, y, { m: 0.4 }), [0.5, 0.2, -0.1], marginCrossEntropy);
    expect(s64.loss).toBeCloseTo(6.40166, 4);
    expectTensorsClose(s64.grad, [-63.89384, 63.89384, 0], { atol: 1e-3 });
  });

  it('each leaves exactly one new tensor', async () => {
    const cos = tf.tensor2d([[0.5, 0.1]]);
    const labels = tf.tensor1d([0], 'int32');
    for (const fn of [softmaxLogits, normFaceLogits, cosFaceLogits]) {
      const { result, newTensors } = await countNewTensors(() => fn(cos, labels));
      expect(newTensors).toBe(1);
      result.dispose();
    }
    tf.dispose([cos, labels]);
  });
});
