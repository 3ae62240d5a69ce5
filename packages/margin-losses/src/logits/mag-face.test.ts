import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { magFaceLogits, magFaceRegularizer } from './mag-face';

// Expected numbers: margin-losses.md §6 (m(a) and g(a) at a = 10, 60, 110).
describe('magFaceLogits and magFaceRegularizer', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('the margin grows linearly from 0.45 at ‖x‖ = 10 to 0.8 at 110, clamped outside', () => {
    // At θ = π/2 the target is cos(π/2 + m) = −sin m.
    const cos = tf.tensor2d([
      [0, 0.5],
      [0, 0.5],
      [0, 0.5],
      [0, 0.5],
    ]);
    const labels = tf.tensor1d([0, 0, 0, 0], 'int32');
    const norms = tf.tensor1d([10, 60, 110, 500]);
    const logits = magFaceLogits(cos, labels, { norms, s: 1 });
    expectTensorsClose(
      tf.slice(logits, [0, 0], [-1, 1]),
      [[-Math.sin(0.45)], [-Math.sin(0.625)], [-Math.sin(0.8)], [-Math.sin(0.8)]],
      {
        atol: 1e-6,
      },
    );
    tf.dispose([cos, labels, norms, logits]);
  });

  it('g(a) = a/u_a² + 1/a: 0.100826, 0.021625, 0.018182', () => {
    for (const [a, g] of [
      [10, 0.100826],
      [60, 0.021625],
      [110, 0.018182],
    ] as const) {
      const norms = tf.tensor1d([a]);
      expectTensorsClose(magFaceRegularizer(norms, { lambda: 1 }), g, { atol: 1e-6 });
      norms.dispose();
    }
  });

  it('requires norms and leaves one tensor per call', async () => {
    const cos = tf.tensor2d([[0.5, 0.6]]);
    const labels = tf.tensor1d([0], 'int32');
    const norms = tf.tensor1d([30]);
    expect(() => magFaceLogits(cos, labels, {} as never)).toThrow(/'norms'/);
    const a = await countNewTensors(() => magFaceLogits(cos, labels, { norms }));
    const b = await countNewTensors(() => magFaceRegularizer(norms));
    expect([a.newTensors, b.newTensors]).toEqual([1, 1]);
    tf.dispose([a.result, b.result, cos, labels, norms]);
  });
});
