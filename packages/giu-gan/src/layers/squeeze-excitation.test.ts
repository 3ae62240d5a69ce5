import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, testBackend } from '@frx/tensor-utils/testing';

import {
  expectValuesClose,
  forwardAndGradients,
  loadLayerFixtures,
  loadWeights,
} from '../../test/layer-fixtures';
import { registerGanLayers } from '../register';
import { SqueezeExcitation } from './squeeze-excitation';

const fixtures = loadLayerFixtures();
const tol = { rtol: 1e-4, atol: 2e-5 };

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerGanLayers();
});

describe('SqueezeExcitation', () => {
  it('matches the PyTorch reference: output, input and weight gradients', () => {
    const c = fixtures.se;
    const layer = new SqueezeExcitation({ reduction: c.config.reduction! });
    layer.build(c.input.shape);
    loadWeights(layer, c.weights);
    const { output, gradInput, gradWeights } = forwardAndGradients(layer, c, {});
    expectValuesClose(output, c.output.values, { ...tol, label: 'output' });
    expectValuesClose(gradInput, c.gradInput, { ...tol, label: 'grad input' });
    for (const [w, expected] of Object.entries(c.gradWeights))
      expectValuesClose(gradWeights[w]!, expected, { ...tol, label: w });
    tf.dispose([output, gradInput, gradWeights]);
  });

  it('has 2C²/r + C/r + C parameters and at least one hidden unit', () => {
    const layer = new SqueezeExcitation();
    layer.build([null, 4, 4, 64]);
    expect(layer.countParams()).toBe(2 * 64 * 4 + 4 + 64);
    const tiny = new SqueezeExcitation();
    tiny.build([null, 4, 4, 8]);
    expect(tiny.countParams()).toBe(8 * 1 + 1 + 1 * 8 + 8);
  });

  it('keeps the shape, round-trips its config, leaks nothing', async () => {
    const layer = new SqueezeExcitation({ reduction: 4, seed: 1 });
    const x = tf.randomNormal([2, 3, 3, 8]);
    tf.dispose(layer.apply(x, {}) as tf.Tensor); // builds the weights
    const { result, newTensors } = await countNewTensors(() => layer.apply(x) as tf.Tensor);
    expect(newTensors).toBe(1);
    expect(result.shape).toEqual([2, 3, 3, 8]);
    const config = layer.getConfig();
    expect(SqueezeExcitation.fromConfig(SqueezeExcitation, config).getConfig()).toEqual(config);
    expect(() => new SqueezeExcitation({ reduction: 0 })).toThrow(
      /reduction must be a positive integer, got 0/,
    );
    tf.dispose([x, result]);
  });
});
