import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose } from '@frx/tensor-utils/testing';

import { MarginHead, marginCrossEntropy, PartialFC, type MarginHeadMargin } from '../src/index';

// The same PyTorch expectations as pytorch-parity.test.ts, on the wasm backend the project trains with.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/losses.json', import.meta.url), 'utf8')) as {
  labels: number[];
  features: number[][];
  weight: number[][];
  heads: Array<{
    name: string;
    margin: MarginHeadMargin;
    loss: number;
    gradFeatures: number[][];
    gradWeight: number[][];
  }>;
};

describe('wasm backend', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each(fixture.heads.map((h) => [h.name, h] as const))('MarginHead %s matches PyTorch', (_name, h) => {
    expect(tf.getBackend()).toBe('wasm');
    const head = new MarginHead({ units: fixture.weight.length, margin: h.margin });
    const features = tf.variable(tf.tensor2d(fixture.features));
    const labels = tf.tensor1d(fixture.labels, 'int32');
    head.build(features.shape);
    head.setWeights([tf.tensor2d(fixture.weight)]);
    const kernel = head.trainableWeights[0]!.read() as tf.Variable;
    const { value, grads } = tf.variableGrads(
      () => marginCrossEntropy(head.apply([features, labels]) as tf.Tensor2D, labels),
      [features, kernel],
    );
    const tolerance = { rtol: 1e-5, atol: 1e-5 };
    expectTensorsClose(value, h.loss, { ...tolerance, label: 'loss' });
    expectTensorsClose(grads[features.name]!, h.gradFeatures, { ...tolerance, label: 'd/dfeatures' });
    expectTensorsClose(grads[kernel.name]!, h.gradWeight, { ...tolerance, label: 'd/dW' });
    tf.dispose([features, labels, value, grads, kernel]);
  });

  it('PartialFC steps (gather, sub-matrix gradient, scatter) with a steady tensor count', async () => {
    const pfc = new PartialFC({ numClasses: 200, embeddingSize: 8, sampleRate: 0.2, seed: 1 });
    const x = tf.tensor2d(fixture.features);
    const labels = [3, 150, 3, 199, 0, 42];
    const before = pfc.weight.arraySync();
    tf.dispose(pfc.step(x, labels));
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { result, newTensors } = await countNewTensors(() => pfc.step(x, labels));
      result.dispose();
      counts.push(newTensors - 1);
    }
    expect(counts).toEqual([0, 0, 0, 0, 0]);
    const after = pfc.weight.arraySync();
    // Positives are always sampled, so their rows moved.
    for (const c of labels) expect(after[c]).not.toEqual(before[c]);
    pfc.dispose();
    x.dispose();
  });
});
