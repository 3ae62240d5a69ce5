import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { cosDeg, lossAndGrad, targetDerivatives, targetLogits } from '../../test/margin-helpers';
import { marginCrossEntropy } from '../loss/cross-entropy';
import { x2SoftmaxLogits } from './x2-softmax';

// Expected numbers: margin-losses.md §6, worked by hand from f(θ) = a(θ − h)² + k.
describe('x2SoftmaxLogits', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  const unscaled = (cos: tf.Tensor2D, y: tf.Tensor1D) => x2SoftmaxLogits(cos, y, { s: 1 });

  it('f(θ) = 0.65 − 0.9·θ² at the tabulated angles', () => {
    const degrees = [0, 30, 45, 60, 90, 180];
    expectTensorsClose(
      targetLogits(unscaled, degrees.map(cosDeg)),
      [0.65, 0.40326, 0.094835, -0.33696, -1.570661, -8.232644],
      {
        atol: 2e-6,
      },
    );
    expectTensorsClose(targetLogits(unscaled, [0.8]), [0.277316], { atol: 2e-6 });
  });

  it('the margin cos θ − f(θ) is 0.35 at θ = 0 and grows with θ', () => {
    const degrees = [0, 10, 20, 30, 45, 60, 75, 90, 120, 150, 180];
    const cosines = degrees.map(cosDeg);
    const margins = targetLogits(unscaled, cosines).map((f, i) => cosines[i]! - f);
    expect(margins[0]).toBeCloseTo(0.35, 6);
    expectTensorsClose(
      [margins[1]!, margins[2]!, margins[6]!, margins[8]!],
      [0.362223, 0.399355, 1.150945, 2.797842],
      { atol: 3e-6 },
    );
    for (let i = 1; i < margins.length; i++) expect(margins[i]!).toBeGreaterThan(margins[i - 1]!);
  });

  it('exact mode: df/dt = −2a(θ − h)/√(1 − t²)', () => {
    const exact = (cos: tf.Tensor2D, y: tf.Tensor1D) => x2SoftmaxLogits(cos, y, { s: 1, gradient: 'exact' });
    expectTensorsClose(
      targetDerivatives(exact, [0.9, 0.8, 0.5, 0]),
      [1.862508, 1.930503, 2.176559, 2.827433],
      { rtol: 1e-5 },
    );
  });

  it('straight-through mode: the target gradient is the identity', () => {
    expectTensorsClose(targetDerivatives(unscaled, [0.9, 0.5, -0.3]), [1, 1, 1]);
  });

  it('loss examples: s = 8, cos = [0.8, 0.3, −0.2] and s = 64, cos = [0.5, 0.2, −0.1]', () => {
    const s8 = lossAndGrad((c, y) => x2SoftmaxLogits(c, y, { s: 8 }), [0.8, 0.3, -0.2], marginCrossEntropy);
    expect(s8.loss).toBeCloseTo(0.797932, 5);
    expectTensorsClose(s8.grad, [-4.397928, 4.318826, 0.079102], { rtol: 1e-5, atol: 1e-5 });
    const s64 = lossAndGrad((c, y) => x2SoftmaxLogits(c, y), [0.5, 0.2, -0.1], marginCrossEntropy);
    expect(s64.loss).toBeCloseTo(34.365468, 4);
  });

  it('rejects unknown options and bad values with the option name', () => {
    const cos = tf.zeros<tf.Rank.R2>([1, 2]);
    const labels = tf.zeros<tf.Rank.R1>([1], 'int32');
    expect(() => x2SoftmaxLogits(cos, labels, { scale: 2 } as never)).toThrow(/unknown option 'scale'/);
    expect(() => x2SoftmaxLogits(cos, labels, { s: -1 })).toThrow(
      /'s' must be a finite positive number, got -1/,
    );
    expect(() => x2SoftmaxLogits(cos, labels, { gradient: 'auto' as never })).toThrow(/'gradient'/);
    expect(() => x2SoftmaxLogits(cos, tf.zeros<tf.Rank.R1>([1]))).toThrow(/labels must be int32/);
    tf.dispose([cos, labels]);
  });

  it('leaves exactly one new tensor', async () => {
    const cos = tf.tensor2d([[0.5, 0.1]]);
    const labels = tf.tensor1d([0], 'int32');
    for (const gradient of ['straightThrough', 'exact'] as const) {
      const { result, newTensors } = await countNewTensors(() => x2SoftmaxLogits(cos, labels, { gradient }));
      expect(newTensors).toBe(1);
      result.dispose();
    }
    tf.dispose([cos, labels]);
  });
});
