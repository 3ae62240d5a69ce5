import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../backend/init-backend';
import { countNewTensors } from '../testing/count-new-tensors';
import { expectTensorsClose } from '../testing/expect-tensors-close';
import { testBackend } from '../testing/test-backend';
import { nativeBatchNormTraining } from './native-batch-norm';

const native = testBackend() === 'tensorflow';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

// The textbook formula written in generic tfjs ops, differentiated by tfjs' autodiff: an independent reference.
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number) {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
  return { y, mean, variance };
}

function inputs(shape: [number, number, number, number], seed: number) {
  const x = tf.randomNormal(shape, 0.5, 2, 'float32', seed);
  const gamma = tf.randomUniform([shape[3]], 0.5, 1.5, 'float32', seed + 1);
  const beta = tf.randomNormal([shape[3]], 0, 1, 'float32', seed + 2);
  const dy = tf.randomNormal(shape, 0, 1, 'float32', seed + 3);
  return { x, gamma, beta, dy };
}

describe.runIf(native)('nativeBatchNormTraining on the tensorflow backend', () => {
  it('matches the batch-norm formula and its autodiff gradient', () => {
    for (const [shape, seed] of [
      [[4, 5, 6, 3], 1],
      [[2, 7, 7, 16], 2],
      [[8, 1, 1, 5], 3], // the spatial size 1 of a pooled feature map: statistics over the batch only
    ] as [[number, number, number, number], number][]) {
      const { x, gamma, beta, dy } = inputs(shape, seed);
      const got = nativeBatchNormTraining(x, gamma, beta, 1e-5)!;
      const want = reference(x, gamma, beta, 1e-5);
      expectTensorsClose(got.y, want.y, { atol: 1e-5, rtol: 1e-5 });
      expectTensorsClose(got.mean, want.mean, { atol: 1e-6, rtol: 1e-5 });
      expectTensorsClose(got.variance, want.variance, { atol: 1e-6, rtol: 1e-5 });
      const loss =
        (f: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
        (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(f(a, g, b), dy));
      const gotGrads = tf.grads(loss((a, g, b) => nativeBatchNormTraining(a, g, b, 1e-5)!.y))([
        x,
        gamma,
        beta,
      ]);
      const wantGrads = tf.grads(loss((a, g, b) => reference(a, g, b, 1e-5).y))([x, gamma, beta]);
      for (let i = 0; i < 3; i++) expectTensorsClose(gotGrads[i]!, wantGrads[i]!, { atol: 1e-4, rtol: 1e-4 });
    }
  });

  it('normalises a hand-worked channel: values 1, 2, 3, 6 have mean 3 and biased variance 3.5', () => {
    const x = tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1]);
    const { y, mean, variance } = nativeBatchNormTraining(x, tf.tensor1d([2]), tf.tensor1d([1]), 0)!;
    expectTensorsClose(mean, [3]);
    expectTensorsClose(variance, [3.5]);
    const s = Math.sqrt(3.5);
    expectTensorsClose(y.dataSync(), [1 - 4 / s, 1 - 2 / s, 1, 1 + 6 / s], { atol: 1e-5 });
  });

  it('leaks no tensor, forward or backward: y, mean and variance are the only new tensors', async () => {
    const { x, gamma, beta, dy } = inputs([2, 3, 3, 4], 9);
    const forward = await countNewTensors(() => nativeBatchNormTraining(x, gamma, beta, 1e-5)!);
    expect(forward.newTensors).toBe(3);
    tf.dispose([forward.result.y, forward.result.mean, forward.result.variance]);
    const backward = await countNewTensors(() =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const r = nativeBatchNormTraining(a, g, b, 1e-5)!;
        tf.dispose([r.mean, r.variance]);
        return tf.sum(tf.mul(r.y, dy));
      })([x, gamma, beta]),
    );
    expect(backward.newTensors).toBe(3);
  });
});

describe('nativeBatchNormTraining falls back (undefined) where the fused kernel does not apply', () => {
  it('on other backends, ranks and single-value channels', () => {
    const { x, gamma, beta } = inputs([2, 3, 3, 4], 4);
    if (!native) expect(nativeBatchNormTraining(x, gamma, beta, 1e-5)).toBeUndefined();
    expect(nativeBatchNormTraining(tf.ones([6, 4]), gamma, beta, 1e-5)).toBeUndefined();
    expect(nativeBatchNormTraining(tf.ones([1, 1, 1, 4]), gamma, beta, 1e-5)).toBeUndefined();
    expect(nativeBatchNormTraining(x, tf.ones([3]), beta, 1e-5)).toBeUndefined();
  });
});
