import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { ExponentialMovingAverage } from './ema';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('ExponentialMovingAverage', () => {
  it('follows shadow ← d·shadow + (1 − d)·w and swaps the averages in only inside run()', () => {
    const layer = tfl.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: 'ones' });
    const model = tfl.sequential({ layers: [layer] });
    const kernel = model.trainableWeights[0]!;
    const ema = new ExponentialMovingAverage(model.trainableWeights, 0.9, false);
    const set = (v: number) =>
      tf.tidy(() => {
        kernel.write(tf.tensor2d([[v]]));
      });
    set(3);
    ema.update(); // 0.9·1 + 0.1·3 = 1.2
    set(5);
    ema.update(); // 0.9·1.2 + 0.1·5 = 1.58
    const x = tf.tensor2d([[2]]);
    const before = tf.memory().numTensors;
    const y = ema.run(() => model.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before + 1);
    expectTensorsClose(y, [[3.16]], { rtol: 1e-6 });
    expectTensorsClose(kernel.read(), [[5]], { rtol: 0, atol: 0 });
    // Warm-up: the first update uses min(0.9, 2/11), the second min(0.9, 3/12).
    const warm = new ExponentialMovingAverage(model.trainableWeights, 0.9);
    set(1);
    warm.update();
    expect(warm.currentDecay()).toBeCloseTo(2 / 11, 12);
    warm.update();
    expect(warm.currentDecay()).toBeCloseTo(3 / 12, 12);
    for (let i = 0; i < 200; i++) warm.update();
    expect(warm.currentDecay()).toBe(0.9);
    warm.dispose();
    expect(() => new ExponentialMovingAverage(model.trainableWeights, 1)).toThrow(
      /decay must be in \[0, 1\), got 1/,
    );
    tf.dispose([x, y]);
    ema.dispose();
  });
});
