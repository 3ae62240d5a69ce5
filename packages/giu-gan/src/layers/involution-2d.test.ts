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
import { GanOptionError } from '../internal/validate';
import { registerGanLayers } from '../register';
import { Involution2D } from './involution-2d';

const fixtures = loadLayerFixtures();
const tol = { rtol: 1e-4, atol: 2e-5 };

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerGanLayers();
});

describe('Involution2D against the PyTorch reference (scripts/make_layer_fixtures.py)', () => {
  for (const name of ['stride1', 'stride2', 'k5'] as const) {
    it(`matches outputs, input and weight gradients and running statistics (${name})`, () => {
      const c = fixtures.involution[name];
      const layer = new Involution2D({
        kernelSize: c.config.kernelSize!,
        strides: c.config.strides!,
        groups: c.config.groups!,
        reduction: c.config.reduction!,
      });
      layer.build(c.input.shape);
      loadWeights(layer, c.weights);
      // Running statistics after exactly one training forward pass.
      tf.tidy(() => {
        layer.apply(tf.tensor(c.input.values, c.input.shape), { training: true });
      });
      expectValuesClose(weightNamed(layer, 'reduce_bn_moving_mean').read(), c.runningMean!, {
        ...tol,
        label: 'running mean',
      });
      expectValuesClose(weightNamed(layer, 'reduce_bn_moving_variance').read(), c.runningVariance!, {
        ...tol,
        label: 'running variance',
      });

      const { output, gradInput, gradWeights } = forwardAndGradients(layer, c);
      expect(output.shape).toEqual(c.output.shape);
      expectValuesClose(output, c.output.values, { ...tol, label: 'output' });
      expectValuesClose(gradInput, c.gradInput, { ...tol, label: 'grad input' });
      for (const [w, expected] of Object.entries(c.gradWeights)) {
        expectValuesClose(gradWeights[w]!, expected, { ...tol, label: `grad ${w}` });
      }
      tf.dispose([output, gradInput, gradWeights]);
    });
  }

  it('has the parameter count of the reference notes (C 64, K 7, G 4: 4,388 with BN)', () => {
    const layer = new Involution2D({ kernelSize: 7, groupChannels: 16 });
    layer.build([null, 8, 8, 64]);
    // 64·16 (reduce) + 2·16 (BN γ, β) + 16·196 + 196 (span); running stats are not parameters.
    expect(layer.countParams() - 2 * 16).toBe(4388);
    expect(layer.groupCount).toBe(4);
  });

  it('computes output shapes, round-trips its config and leaks no tensors', async () => {
    const layer = new Involution2D({ kernelSize: 3, strides: 2, groupChannels: 4, seed: 3 });
    const x = tf.randomNormal([2, 8, 8, 8]);
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor); // builds the weights
    const { result, newTensors } = await countNewTensors(
      () => layer.apply(x, { training: true }) as tf.Tensor,
    );
    expect(newTensors).toBe(1);
    expect(result.shape).toEqual([2, 4, 4, 8]);
    expect(layer.computeOutputShape([null, 8, 8, 8])).toEqual([null, 4, 4, 8]);
    const config = layer.getConfig();
    const clone = Involution2D.fromConfig(Involution2D, config);
    expect(clone.getConfig()).toEqual(config);
    tf.dispose([x, result]);
  });

  it('rejects bad options and inputs with clear errors', () => {
    expect(() => new Involution2D({ kernelSize: 4 })).toThrow(/kernelSize must be odd, got 4/);
    expect(() => new Involution2D({ groups: 2, groupChannels: 4 })).toThrow(GanOptionError);
    const layer = new Involution2D({ groups: 3 });
    expect(() => layer.build([null, 4, 4, 8])).toThrow(/8 channels cannot be split into 3 groups/);
    const strided = new Involution2D({ strides: 2, groupChannels: 4 });
    expect(() => strided.apply(tf.zeros([1, 5, 5, 8]))).toThrow(/divisible by the stride 2/);
  });
});
