import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { cosDeg, lossAndGrad, targetLogits } from '../../test/margin-helpers';
import { marginCrossEntropy } from '../loss/cross-entropy';
import { arcFaceLogits } from './arc-face';
import { combinedMarginLogits } from './combined-margin';
import { cosFaceLogits } from './cos-face';

// Expected numbers: margin-losses.md §6, cos(m1·θ + m2) − m3 with (1, 0.3, 0.2).
describe('combinedMarginLogits', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('applies all three terms (not the arcface_torch branch that drops m2)', () => {
    const unscaled = (c: tf.Tensor2D, y: tf.Tensor1D) => combinedMarginLogits(c, y, { s: 1 });
    expectTensorsClose(
      targetLogits(unscaled, [0, 30, 45, 60, 90, 160].map(cosDeg)),
      [0.755336, 0.479586, 0.266561, 0.02174, -0.49552, -1.198797],
      { atol: 2e-6 },
    );
    expectTensorsClose(targetLogits(unscaled, [0.8]), [0.386957], { atol: 2e-6 });
  });

  it('reduces to ArcFace (1, m, 0) and CosFace (1, 0, m)', () => {
    const cos = tf.tensor2d([
      [0.7, 0.1, -0.3],
      [0.2, 0.6, 0.0],
    ]);
    const labels = tf.tensor1d([0, 1], 'int32');
    expectTensorsClose(
      combinedMarginLogits(cos, labels, { m1: 1, m2: 0.5, m3: 0 }),
      arcFaceLogits(cos, labels),
      { atol: 1e-4 },
    );
    expectTensorsClose(
      combinedMarginLogits(cos, labels, { m1: 1, m2: 0, m3: 0.4 }),
      cosFaceLogits(cos, labels, { m: 0.4 }),
      {
        atol: 1e-4,
      },
    );
    tf.dispose([cos, labels]);
  });

  it('loss example s = 8: 0.410706', () => {
    const r = lossAndGrad(
      (c, y) => combinedMarginLogits(c, y, { s: 8 }),
      [0.8, 0.3, -0.2],
      marginCrossEntropy,
    );
    expect(r.loss).toBeCloseTo(0.410706, 5);
    expectTensorsClose(r.grad, [-2.694544, 2.64608, 0.048465], { rtol: 1e-5, atol: 1e-5 });
  });

  it('leaves exactly one new tensor', async () => {
    const cos = tf.tensor2d([[0.5, 0.1]]);
    const labels = tf.tensor1d([0], 'int32');
    const { result, newTensors } = await countNewTensors(() =>
      combinedMarginLogits(cos, labels, { gradient: 'exact' }),
    );
    expect(newTensors).toBe(1);
    tf.dispose([result, cos, labels]);
  });
});
