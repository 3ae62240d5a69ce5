import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { curricularFaceLogits, curricularFaceUpdate } from './curricular-face';

describe('curricularFaceLogits', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('re-weights hard negatives by (t̄ + cos θ_j) and uses the ArcFace target', () => {
    // Worked by hand: target cos(acos 0.8 + 0.5) = 0.414411; 0.5 > 0.414411 is hard → 0.5·(0.3 + 0.5) = 0.4;
    // 0.2 is easy and stays. The unlabelled row stays plain.
    const cos = tf.tensor2d([
      [0.8, 0.5, 0.2],
      [0.8, 0.5, 0.2],
    ]);
    const labels = tf.tensor1d([0, -1], 'int32');
    expectTensorsClose(
      curricularFaceLogits(cos, labels, { s: 1, t: 0.3 }),
      [
        [0.414411, 0.4, 0.2],
        [0.8, 0.5, 0.2],
      ],
      { atol: 1e-5 },
    );
    tf.dispose([cos, labels]);
  });

  it('updates t̄ with the 0.01 moving average of the labelled target cosines', () => {
    const cos = tf.tensor2d([
      [0.8, 0.5],
      [0.1, 0.4],
      [0.9, 0.9],
    ]);
    const labels = tf.tensor1d([0, 1, -1], 'int32');
    expect(curricularFaceUpdate(cos, labels, 0)).toBeCloseTo(0.01 * 0.6, 7);
    expect(curricularFaceUpdate(cos, labels, 0.5, { momentum: 0.1 })).toBeCloseTo(0.1 * 0.6 + 0.9 * 0.5, 7);
    tf.dispose([cos, labels]);
  });

  it('leaves exactly one new tensor', async () => {
    const cos = tf.tensor2d([[0.5, 0.6]]);
    const labels = tf.tensor1d([0], 'int32');
    const { result, newTensors } = await countNewTensors(() => curricularFaceLogits(cos, labels, { t: 0.1 }));
    expect(newTensors).toBe(1);
    tf.dispose([result, cos, labels]);
  });

  it('curricularFaceUpdate inside a gradient tape leaves the backward pass intact', () => {
    // A training step updates t̄ from the cosines it is differentiating: the update must record no op
    // whose output it disposes (tfjs would then back-propagate through a disposed tensor).
    const x = tf.variable(tf.tensor2d([[0.6, 0.3, -0.2]]));
    const labels = tf.tensor1d([0], 'int32');
    let t = 0;
    const { value, grads } = tf.variableGrads(() => {
      const cos = tf.clipByValue(x, -1, 1) as tf.Tensor2D;
      t = curricularFaceUpdate(cos, labels, t);
      return tf.sum(curricularFaceLogits(cos, labels, { s: 1, t }));
    }, [x]);
    // t̄ = 0.01 · 0.6; the gradient of Σ logits w.r.t. the easy negatives is exactly 1.
    expect(t).toBeCloseTo(0.006, 7);
    const g = grads[x.name]!.dataSync();
    expect(g[2]).toBeCloseTo(1, 6);
    tf.dispose([value, grads, x, labels]);
  });
});
