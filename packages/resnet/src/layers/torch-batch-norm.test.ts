import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { TorchBatchNorm } from './torch-batch-norm';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('TorchBatchNorm', () => {
  // One channel, batch values [1, 2, 3, 6]: mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5,
  // unbiased 14/3. PyTorch (momentum 0.1): running_mean = 0.9·0 + 0.1·3 = 0.3,
  // running_var = 0.9·1 + 0.1·14/3 = 1.3666…; output (x − 3)/√(3.5 + 1e-5).
  const x = () => tf.tensor2d([[1], [2], [3], [6]]);

  it('normalises with batch statistics and updates running ones with the unbiased variance (hand-worked)', () => {
    const bn = new TorchBatchNorm();
    const input = x();
    const y = bn.apply(input, { training: true }) as tf.Tensor;
    const s = Math.sqrt(3.5 + 1e-5);
    expectTensorsClose(y, [[-2 / s], [-1 / s], [0], [3 / s]], { rtol: 1e-6 });
    expectTensorsClose(bn.movingMean!.read(), [0.3], { rtol: 1e-6 });
    expectTensorsClose(bn.movingVariance!.read(), [0.9 + (0.1 * 14) / 3], { rtol: 1e-6 });
    tf.dispose([input, y]);
  });

  it('keeps the biased update of tfjs-layers when asked', () => {
    const bn = new TorchBatchNorm({ unbiasedRunningVariance: false });
    const input = x();
    tf.dispose(bn.apply(input, { training: true }) as tf.Tensor);
    expectTensorsClose(bn.movingVariance!.read(), [0.9 + 0.1 * 3.5], { rtol: 1e-6 });
    input.dispose();
  });

  it('uses the running statistics in inference mode', () => {
    const bn = new TorchBatchNorm();
    const input = x();
    bn.apply(input); // build
    bn.setWeights([tf.tensor1d([2]), tf.tensor1d([0.5]), tf.tensor1d([1]), tf.tensor1d([4])]);
    const y = bn.apply(input) as tf.Tensor;
    const s = Math.sqrt(4 + 1e-5);
    expectTensorsClose(y, [[0.5], [2 / s + 0.5], [4 / s + 0.5], [10 / s + 0.5]], { rtol: 1e-6 });
    tf.dispose([input, y]);
  });

  it('has a frozen γ with scaleTrainable: false, and round-trips its config', () => {
    const bn = new TorchBatchNorm({ scaleTrainable: false, momentum: 0.8, name: 'features' });
    bn.apply(tfl.input({ shape: [5] }));
    expect(bn.trainableWeights.map((w) => w.originalName)).toEqual(['features/beta']);
    expect(bn.gamma!.trainable).toBe(false);
    const again = new TorchBatchNorm(bn.getConfig());
    expect(again.getConfig()).toEqual(bn.getConfig());
    expect(() => new TorchBatchNorm({ momentun: 0.9 } as never)).toThrow(/unknown option 'momentun'/);
    expect(() => new TorchBatchNorm({ momentum: 2 })).toThrow(/momentum must be in \[0, 1\]/);
  });

  it('does not leak tensors in either mode', async () => {
    const bn = new TorchBatchNorm();
    const input = tf.randomNormal([2, 3, 3, 4]);
    tf.dispose(bn.apply(input) as tf.Tensor);
    for (const training of [false, true]) {
      const { result, newTensors } = await countNewTensors(() => bn.apply(input, { training }) as tf.Tensor);
      expect(newTensors).toBe(1);
      result.dispose();
    }
    input.dispose();
  });

  it('frees its backward temporaries before the rest of the backward pass runs', () => {
    // tf.customGrad does not tidy a gradient function, and tfjs-core disposes what one leaves only
    // when the whole backward pass ends. Identity probes around the layer count the live tensors
    // when the backward pass reaches the layer (after) and leaves it (before): in between there
    // should be only the probe's own dx and the layer's three gradients (input, γ, β), not the
    // five full-size temporaries of the closed-form gradient.
    const counts: number[] = [];
    const identity = (t: tf.Tensor) => ({
      value: tf.clone(t),
      gradFunc: (dy: tf.Tensor) => {
        counts.push(tf.memory().numTensors);
        return tf.clone(dy);
      },
    });
    // customGrad's typing takes variadic (Tensor | GradSaveFunc) arguments.
    const probe = tf.customGrad(identity as unknown as Parameters<typeof tf.customGrad>[0]);
    const bn = new TorchBatchNorm();
    // A variable, so that the backward pass goes through the probe before the layer.
    const input = tf.variable(tf.randomNormal([2, 3, 3, 4]));
    tf.dispose(bn.apply(input) as tf.Tensor);
    const weights = [input, ...bn.trainableWeights.map((w) => w.read() as tf.Variable)];
    const { value, grads } = tf.variableGrads(
      () => tf.sum(probe(bn.apply(probe(input), { training: true }) as tf.Tensor)),
      weights,
    );
    const [whenReached, whenLeft] = counts as [number, number];
    expect(counts).toHaveLength(2);
    expect(whenLeft - whenReached).toBeLessThanOrEqual(4);
    tf.dispose([value, input, ...Object.values(grads)]);
  });
});
