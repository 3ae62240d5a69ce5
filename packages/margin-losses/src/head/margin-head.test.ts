import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { marginCrossEntropy } from '../loss/cross-entropy';
import { registerMarginLayers } from '../register';
import { MarginHead } from './margin-head';

describe('MarginHead', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
    registerMarginLayers();
  });

  it('owns W [classes, dim] initialised N(0, 0.01)', () => {
    const head = new MarginHead({ units: 400, seed: 7 });
    head.build([null, 128]);
    const w = head.getWeights()[0]!;
    expect(w.shape).toEqual([400, 128]);
    const values = Array.from(w.dataSync());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(2e-4);
    expect(std).toBeGreaterThan(0.0097);
    expect(std).toBeLessThan(0.0103);
  });

  it('computes s·cos of normalised features and centres; margin only with labels', () => {
    const head = new MarginHead({ units: 2, margin: { method: 'cosFace', s: 10, m: 0.4 } });
    head.build([null, 2]);
    head.setWeights([
      tf.tensor2d([
        [2, 0],
        [0, 3],
      ]),
    ]);
    const features = tf.tensor2d([[3, 4]]); // cos = [0.6, 0.8]
    expectTensorsClose(head.apply(features) as tf.Tensor, [[6, 8]], { atol: 1e-5 });
    expectTensorsClose(head.apply([features, tf.tensor1d([0])]) as tf.Tensor, [[2, 8]], { atol: 1e-5 });
  });

  it('getConfig round-trips through the serialization registry', () => {
    const head = new MarginHead({
      units: 5,
      margin: { method: 'x2Softmax', a: -0.8, gradient: 'exact' },
      interClassFilterThreshold: 0.4,
      seed: 1,
      name: 'head',
    });
    const config = head.getConfig();
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap.FrxMarginHead!;
    expect(cls).toBe(MarginHead);
    const copy = fromConfig(cls, config) as MarginHead;
    expect(copy).toBeInstanceOf(MarginHead);
    expect(copy.getConfig()).toEqual(config);
    expect(copy.margin).toEqual({ method: 'x2Softmax', a: -0.8, gradient: 'exact' });
  });

  it('rejects bad arguments with the offending name', () => {
    expect(() => new MarginHead({ units: 0 })).toThrow(/units must be a positive integer, got 0/);
    expect(() => new MarginHead({ units: 3, margin: { method: 'bogus' } as never })).toThrow(
      /margin.method must be one of/,
    );
    expect(
      () => new MarginHead({ units: 3, margin: { method: 'cosFace', gradient: 'exact' } as never }),
    ).toThrow(/unknown option 'gradient'/);
  });

  it('works inside a two-input LayersModel', () => {
    const features = tfl.input({ shape: [4] });
    const labels = tfl.input({ shape: [1] });
    const dense = tfl.layers.dense({ units: 4, useBias: false }).apply(features) as tfl.SymbolicTensor;
    const logits = new MarginHead({ units: 3, margin: { method: 'arcFace', s: 16 } }).apply([
      dense,
      labels,
    ]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [features, labels], outputs: logits });
    expect(logits.shape).toEqual([null, 3]);
    const out = model.predict([tf.ones([2, 4]), tf.tensor2d([[0], [2]])]) as tf.Tensor;
    expect(out.shape).toEqual([2, 3]);
  });

  it('trains in a custom loop with a steady tensor count and a falling loss', async () => {
    const head = new MarginHead({ units: 3, margin: { method: 'arcFace', s: 8, m: 0.2 }, seed: 3 });
    const x = tf.tensor2d([
      [1, 0.1],
      [0.1, 1],
      [-1, 0.2],
      [0.9, 0.2],
      [0.2, 0.8],
      [-0.8, -0.1],
    ]);
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    head.build(x.shape);
    const optimizer = tf.train.sgd(0.5);
    const kernel = head.trainableWeights[0]!.read() as tf.Variable;
    const stepLoss = () => {
      const { value, grads } = tf.variableGrads(
        () => marginCrossEntropy(head.apply([x, y]) as tf.Tensor2D, y),
        [kernel],
      );
      optimizer.applyGradients(grads);
      tf.dispose(grads);
      const v = value.dataSync()[0]!;
      value.dispose();
      return v;
    };
    const first = stepLoss();
    const counts: number[] = [];
    let last = first;
    for (let i = 0; i < 30; i++) {
      const { result, newTensors } = await countNewTensors(stepLoss);
      counts.push(newTensors);
      last = result;
    }
    expect(new Set(counts)).toEqual(new Set([0]));
    expect(last).toBeLessThan(first * 0.5);
    optimizer.dispose();
  });
});
