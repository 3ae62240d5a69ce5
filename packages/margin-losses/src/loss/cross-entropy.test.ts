import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { marginCrossEntropy } from './cross-entropy';

describe('marginCrossEntropy', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('is the mean −log p_y over labelled rows, gradient (p − onehot)/n', () => {
    // Row 0: −log(e² / (e² + e + 1)) = 0.407606; row 1 ignored; row 2: −log(1/3) = 1.098612.
    const logits = tf.tensor2d([
      [2, 1, 0],
      [5, 0, 0],
      [0, 0, 0],
    ]);
    const labels = tf.tensor1d([0, -1, 2], 'int32');
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor2D) => marginCrossEntropy(x, labels))(logits);
    expect(value.dataSync()[0]).toBeCloseTo((0.407606 + 1.098612) / 2, 5);
    const p = [Math.exp(2), Math.exp(1), 1].map((e) => e / (Math.exp(2) + Math.exp(1) + 1));
    expectTensorsClose(
      grad,
      [
        [(p[0]! - 1) / 2, p[1]! / 2, p[2]! / 2],
        [0, 0, 0],
        [1 / 6, 1 / 6, -1 / 3],
      ],
      { atol: 1e-6 },
    );
    tf.dispose([logits, labels, value, grad]);
  });

  it('floors p_y at 1e-30 (loss ≤ 69.0776) and survives logits of 1e6', () => {
    const logits = tf.tensor2d([[-1e6, 1e6]]);
    const labels = tf.tensor1d([0], 'int32');
    expect(marginCrossEntropy(logits, labels).dataSync()[0]).toBeCloseTo(-Math.log(1e-30), 3);
    tf.dispose([logits, labels]);
  });

  it('gives 0 for a batch without labelled rows and leaves one tensor', async () => {
    const logits = tf.tensor2d([[1, 2]]);
    const labels = tf.tensor1d([-1], 'int32');
    const { result, newTensors } = await countNewTensors(() => marginCrossEntropy(logits, labels));
    expect(newTensors).toBe(1);
    expect(result.dataSync()[0]).toBe(0);
    tf.dispose([result, logits, labels]);
  });

  it('keeps the gradient (p − onehot)/n on rows below the 1e-30 floor, as arcface_torch', () => {
    // p_0 = e^-100 / (1 + e^-100) ≈ 4e-44 < 1e-30, as for a fresh network with s = 64 (arcface_torch's
    // DistCrossEntropyFunc has the same hand-written backward; autodiff of the floor would give 0).
    const logits = tf.tensor2d([[0, 100]]);
    const labels = tf.tensor1d([0], 'int32');
    const g = tf.grad((z: tf.Tensor) => marginCrossEntropy(z as tf.Tensor2D, labels))(logits);
    expectTensorsClose(g, [[-1, 1]], { atol: 1e-6 });
    tf.dispose([logits, labels, g]);
  });

  it('leaves one tensor from the backward pass', async () => {
    const logits = tf.randomNormal<tf.Rank.R2>([4, 7]);
    const labels = tf.tensor1d([1, 0, 6, -1], 'int32');
    const backward = await countNewTensors(() =>
      tf.grad((z: tf.Tensor) => marginCrossEntropy(z as tf.Tensor2D, labels))(logits),
    );
    expect(backward.newTensors).toBe(1);
    tf.dispose([logits, labels, backward.result]);
  });
});
