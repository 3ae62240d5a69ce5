import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, testBackend } from '@frx/tensor-utils/testing';

import {
  expectValuesClose,
  forwardAndGradients,
  loadLayerFixtures,
  loadWeights,
  weightNamed,
} from '../../test/layer-fixtures';
import { registerGanLayers } from '../register';
import { RepresentativeBatchNorm } from './representative-batch-norm';

const fixtures = loadLayerFixtures();
const tol = { rtol: 1e-4, atol: 2e-5 };

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerGanLayers();
});

describe('RepresentativeBatchNorm', () => {
  it('matches the PyTorch reference in training: output, gradients, running statistics of x₁', () => {
    const c = fixtures.rbn;
    const layer = new RepresentativeBatchNorm();
    layer.build(c.input.shape);
    loadWeights(layer, c.weights);
    tf.tidy(() => {
      layer.apply(tf.tensor(c.input.values, c.input.shape), { training: true });
    });
    expectValuesClose(weightNamed(layer, 'moving_mean').read(), c.runningMean!, {
      ...tol,
      label: 'running mean',
    });
    expectValuesClose(weightNamed(layer, 'moving_variance').read(), c.runningVariance!, {
      ...tol,
      label: 'running variance',
    });
    // Inference uses the running statistics.
    const evalOut = tf.tidy(
      () => layer.apply(tf.tensor(c.evalInput!, c.input.shape), { training: false }) as tf.Tensor,
    );
    expectValuesClose(evalOut, c.evalOutput!, { ...tol, label: 'eval output' });
    evalOut.dispose();
    const { output, gradInput, gradWeights } = forwardAndGradients(layer, c);
    expectValuesClose(output, c.output.values, { ...tol, label: 'output' });
    expectValuesClose(gradInput, c.gradInput, { ...tol, label: 'grad input' });
    for (const [w, expected] of Object.entries(c.gradWeights))
      expectValuesClose(gradWeights[w]!, expected, { ...tol, label: w });
    tf.dispose([output, gradInput, gradWeights]);
  });

  it('is σ(1)·BN(x) at initialisation (not BN) and does not mutate its input', () => {
    const layer = new RepresentativeBatchNorm();
    const values = [1, 2, 3, 4, 5, 6, 7, 9];
    const x = tf.tensor(values, [2, 2, 2, 1]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    // Hand computation: mean 4.625, biased variance 6.234375.
    const mean = values.reduce((s, v) => s + v, 0) / 8;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / 8;
    const sigmoid1 = 1 / (1 + Math.exp(-1));
    expectValuesClose(
      y,
      values.map((v) => (sigmoid1 * (v - mean)) / Math.sqrt(variance + 1e-5)),
      { rtol: 1e-5, atol: 1e-6 },
    );
    expectValuesClose(x, values, { rtol: 0, atol: 0, label: 'input unchanged' });
    tf.dispose([x, y]);
  });

  it('round-trips its config, leaks nothing, rejects bad options', async () => {
    const layer = new RepresentativeBatchNorm({ momentum: 0.2, epsilon: 1e-3 });
    const x = tf.randomNormal([2, 3, 3, 4]);
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor); // builds the weights
    const { result, newTensors } = await countNewTensors(
      () => layer.apply(x, { training: true }) as tf.Tensor,
    );
    expect(newTensors).toBe(1);
    const config = layer.getConfig();
    expect(RepresentativeBatchNorm.fromConfig(RepresentativeBatchNorm, config).getConfig()).toEqual(config);
    expect(layer.countParams()).toBe(5 * 4 + 2 * 4);
    expect(() => new RepresentativeBatchNorm({ momentum: 2 })).toThrow(
      /momentum must be a finite number in \[0, 1\], got 2/,
    );
    tf.dispose([x, result]);
  });
});
