import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { iresnet, iresnet18 } from './iresnet';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

const tiny = () => iresnet({ depth: 18, inputSize: 32, widthMultiplier: 0.125, embeddingSize: 8, seed: 7 });

describe('iresnet', () => {
  it('halves the map in every stage: 32 → 16 → 8 → 4 → 2 (112 → 56/28/14/7 at full size)', () => {
    const model = tiny();
    const shape = (name: string) => model.getLayer(name).outputShape;
    expect(shape('prelu')).toEqual([null, 32, 32, 8]);
    expect(shape('layer1.1.add')).toEqual([null, 16, 16, 8]);
    expect(shape('layer2.1.add')).toEqual([null, 8, 8, 16]);
    expect(shape('layer3.1.add')).toEqual([null, 4, 4, 32]);
    expect(shape('layer4.1.add')).toEqual([null, 2, 2, 64]);
    expect(model.outputs[0]!.shape).toEqual([null, 8]);
    model.dispose();
  });

  it('puts the stride on conv2 with symmetric padding, and a downsample branch on every first block only', () => {
    const model = tiny();
    const config = (name: string) => model.getLayer(name).getConfig();
    expect(config('layer2.0.conv1')['strides']).toEqual([1, 1]);
    expect(config('layer2.0.conv2')['strides']).toEqual([2, 2]);
    expect(config('layer2.0.conv2')['padding']).toBe('valid');
    expect(config('layer2.0.conv2.pad')['padding']).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(config('layer2.0.downsample.0')['kernelSize']).toEqual([1, 1]);
    const names = model.layers.map((l) => l.name);
    expect(names.filter((n) => n.endsWith('.downsample.0'))).toEqual([
      'layer1.0.downsample.0',
      'layer2.0.downsample.0',
      'layer3.0.downsample.0',
      'layer4.0.downsample.0',
    ]);
    // Block order of insightface: bn1 → conv1 → bn2 → prelu → conv2 → bn3, no activation after the add.
    const block = names.filter((n) => n.startsWith('layer3.1.'));
    expect(block).toEqual([
      'layer3.1.bn1',
      'layer3.1.conv1',
      'layer3.1.bn2',
      'layer3.1.prelu',
      'layer3.1.conv2',
      'layer3.1.bn3',
      'layer3.1.add',
    ]);
    expect(names.slice(-4)).toEqual(['bn2', 'flatten', 'fc', 'features']);
    model.dispose();
  });

  it('initialises as insightface: PReLU 0.25, BN eps 1e-5 / momentum 0.9, conv std 0.1, frozen features γ = 1', () => {
    const model = iresnet({ depth: 18, inputSize: 32, widthMultiplier: 0.25, embeddingSize: 8, seed: 1 });
    expect(Array.from(model.getLayer('layer1.0.prelu').getWeights()[0]!.dataSync())).toEqual(
      new Array(16).fill(0.25),
    );
    const bn = model.getLayer('layer1.0.bn2').getConfig();
    expect([bn['epsilon'], bn['momentum'], bn['unbiasedRunningVariance']]).toEqual([1e-5, 0.9, true]);
    const kernel = model.getLayer('layer4.1.conv2').getWeights()[0]!; // 3·3·128·128 = 147,456 draws
    const { mean, variance } = tf.moments(kernel);
    expect(Math.abs(mean.dataSync()[0]!)).toBeLessThan(0.002);
    expect(Math.sqrt(variance.dataSync()[0]!)).toBeCloseTo(0.1, 2);
    const features = model.getLayer('features');
    const gamma = features.weights.find((w) => w.originalName.endsWith('/gamma'))!;
    expect(gamma.trainable).toBe(false);
    expect(Array.from(gamma.read().dataSync())).toEqual(new Array(8).fill(1));
    // fc: PyTorch default U(±1/√fanIn), fanIn = 2·2·128
    const fc = model.getLayer('fc').getWeights()[0]!.dataSync();
    expect(Math.max(...fc.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(512));
    tf.dispose([mean, variance]);
    model.dispose();
  });

  it('is reproducible from its seed', () => {
    const a = tiny();
    const b = tiny();
    expect(a.getLayer('layer2.0.conv2').getWeights()[0]!.dataSync()).toEqual(
      b.getLayer('layer2.0.conv2').getWeights()[0]!.dataSync(),
    );
    a.dispose();
    b.dispose();
  });

  it('adds a dropout layer only when dropout > 0', () => {
    const model = iresnet({
      depth: 18,
      inputSize: 16,
      widthMultiplier: 0.0625,
      embeddingSize: 4,
      dropout: 0.2,
    });
    expect(model.getLayer('dropout').getConfig()['rate']).toBe(0.2);
    expect(tiny().layers.some((l) => l.name === 'dropout')).toBe(false);
  });

  it('rejects bad and unknown options by name', () => {
    expect(() => iresnet({ depth: 19 as never })).toThrow(
      /depth must be one of 18, 34, 50, 100, 200, got 19/,
    );
    expect(() => iresnet18({ inputSize: 100 })).toThrow(
      /inputSize must be a positive multiple of 16, got 100/,
    );
    expect(() => iresnet18({ widthMultiplier: 0 })).toThrow(/widthMultiplier/);
    expect(() => iresnet18({ dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => iresnet18({ embedingSize: 4 } as never)).toThrow(/unknown option 'embedingSize'/);
  });

  it('runs in inference and training mode without leaking tensors', async () => {
    const model = tiny();
    const x = tf.randomNormal([2, 32, 32, 3]);
    const { result, newTensors } = await countNewTensors(() => model.predict(x) as tf.Tensor);
    expect(result.shape).toEqual([2, 8]);
    expect(newTensors).toBe(1);
    result.dispose();
    const train = await countNewTensors(() => tf.tidy(() => model.apply(x, { training: true }) as tf.Tensor));
    expect(train.newTensors).toBe(1);
    train.result.dispose();
    x.dispose();
    model.dispose();
  });

  it('is a tfjs-layers model', () => {
    expect(tiny()).toBeInstanceOf(tfl.LayersModel);
  });
});
