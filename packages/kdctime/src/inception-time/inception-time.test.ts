import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerKdctimeLayers } from './register';
import { inceptionTime, INCEPTION_TIME_KDCTIME } from './inception-time';
import { ZeroPaddedMaxPool1D } from './zero-padded-max-pool1d';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerKdctimeLayers();
});

const countParams = (model: tfl.LayersModel, trainable: boolean) =>
  (trainable ? model.trainableWeights : model.weights).reduce(
    (n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1),
    0,
  );

describe('inceptionTime', () => {
  it('Keras layout (depth 6, 40/20/10, bottleneck 32): parameter count worked out by hand', () => {
    // module 0 (1 channel, no bottleneck): 32·70 + 32 + BN 4·128 = 2784; modules 1–5: 128·32 + 32·70·32 + 128·32 +
    // 512 = 80384 each; shortcuts: 1·128 + 512 = 640 and 128·128 + 512 = 16896; head 128·2 + 2 = 258.
    const model = inceptionTime({ classes: 2, length: 150, seed: 1 });
    expect(countParams(model, false)).toBe(2784 + 5 * 80384 + 640 + 16896 + 258);
    // moving mean and variance of the 8 batch norms are not trainable
    expect(countParams(model, true)).toBe(2784 + 5 * 80384 + 640 + 16896 + 258 - 8 * 2 * 128);
    const convs = model.layers.filter((l) => l.getClassName() === 'Conv1D');
    expect(convs.every((l) => (l.getConfig() as { useBias: boolean }).useBias === false)).toBe(true);
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!.getConfig();
    expect([bn.momentum, bn.epsilon]).toEqual([0.99, 1e-3]);
    model.dispose();
  });

  it('KDCTime layout (depth 3, 39/19/9 with branch bias, PyTorch BN): parameter count by hand', () => {
    // module 0: 32·67 + 96 bias + 32 + 512 = 2784; modules 1–2: 4096 + 32·67·32 + 96 + 4096 + 512 = 77408;
    // shortcut 128 + 512; head 258.
    const model = inceptionTime({ ...INCEPTION_TIME_KDCTIME, classes: 2, length: 64, seed: 1 });
    expect(countParams(model, false)).toBe(2784 + 2 * 77408 + 640 + 258);
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!.getConfig();
    expect([bn.momentum, bn.epsilon]).toEqual([0.9, 1e-5]);
    expect(model.layers.some((l) => l instanceof ZeroPaddedMaxPool1D)).toBe(true);
    model.dispose();
  });

  it('bottleneck applies only to multichannel inputs; logits keep [batch, classes] for any length', () => {
    const uni = inceptionTime({ classes: 3, depth: 1, filters: 4, kernelSizes: [4, 2], bottleneck: 2 });
    const multi = inceptionTime({
      classes: 3,
      channels: 3,
      depth: 1,
      filters: 4,
      kernelSizes: [4, 2],
      bottleneck: 2,
    });
    // 1 channel: 4·(4+2)·1 + pool 1·4 + BN 4·12 + head 12·3 + 3; 3 channels: bottleneck 3·2 + 4·6·2 + 3·4 + 48 + 39.
    expect(countParams(uni, false)).toBe(24 + 4 + 48 + 39);
    expect(countParams(multi, false)).toBe(6 + 48 + 12 + 48 + 39);
    const y = uni.predict(tf.randomNormal([2, 17, 1])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    uni.dispose();
    multi.dispose();
  });

  it('is reproducible from its seed and round-trips through JSON (custom layer registered)', async () => {
    const a = inceptionTime({ ...INCEPTION_TIME_KDCTIME, classes: 2, depth: 3, filters: 2, seed: 'x' });
    const b = inceptionTime({ ...INCEPTION_TIME_KDCTIME, classes: 2, depth: 3, filters: 2, seed: 'x' });
    a.weights.forEach((w, i) => expectTensorsClose(w.read(), b.weights[i]!.read()));
    const restored = await tfl.models.modelFromJSON({ modelTopology: a.toJSON(null, false) });
    expect(restored.layers.map((l) => l.getClassName())).toEqual(a.layers.map((l) => l.getClassName()));
    [a, b, restored].forEach((m) => m.dispose());
  });

  it('rejects unknown options and bad values', () => {
    expect(() => inceptionTime({ classes: 2, kernel: 3 } as never)).toThrow(/unknown option "kernel"/);
    expect(() => inceptionTime({ classes: 0 })).toThrow(/classes/);
    expect(() => inceptionTime({ classes: 2, kernelSizes: [] })).toThrow(/kernelSizes/);
    expect(() => inceptionTime({ classes: 2, variant: 'torch' as never })).toThrow(/variant/);
  });

  it('inference leaves only the logits behind', async () => {
    const model = inceptionTime({ classes: 2, depth: 3, filters: 2, kernelSizes: [4, 2], seed: 2 });
    const x = tf.randomNormal([2, 12, 1]);
    const { result, newTensors } = await countNewTensors(
      () => model.apply(x, { training: true }) as tf.Tensor,
    );
    expect(newTensors).toBe(1);
    result.dispose();
    model.dispose();
  });
});

describe('ZeroPaddedMaxPool1D', () => {
  it('lets the zero padding into the maximum at the edges (KDCTime) unlike Keras "same"', () => {
    const x = tf.tensor3d([[[-1], [-2], [-3], [4]]]);
    expectTensorsClose(new ZeroPaddedMaxPool1D().apply(x) as tf.Tensor, [[[0], [-1], [4], [4]]]);
    const keras = tfl.layers.maxPooling1d({ poolSize: 3, strides: 1, padding: 'same' }).apply(x) as tf.Tensor;
    expectTensorsClose(keras, [[[-1], [-1], [4], [4]]]);
    expectTensorsClose(new ZeroPaddedMaxPool1D({ poolSize: 5 }).apply(x) as tf.Tensor, [
      [[0], [4], [4], [4]],
    ]);
    expect(() => new ZeroPaddedMaxPool1D({ poolSize: 2 })).toThrow(/odd/);
    expect(new ZeroPaddedMaxPool1D({ poolSize: 5 }).getConfig().poolSize).toBe(5);
  });

  it('matches the autodiff gradient of a running maximum of zero-padded slices, with ties, on cpu and wasm', async () => {
    const runningMax = (x: tf.Tensor3D, poolSize: number) => {
      const half = (poolSize - 1) / 2;
      const padded = tf.pad(x, [
        [0, 0],
        [half, half],
        [0, 0],
      ]);
      let out = tf.slice(padded, [0, 0, 0], [-1, x.shape[1], -1]);
      for (let k = 1; k < poolSize; k++)
        out = tf.maximum(out, tf.slice(padded, [0, k, 0], [-1, x.shape[1], -1]));
      return out;
    };
    for (const backend of [testBackend(), 'cpu'] as const) {
      await initBackend({ backend });
      for (const [length, poolSize] of [
        [7, 3],
        [7, 5],
        [2, 5],
        [1, 3],
      ] as const) {
        // small integers: many ties, and negative windows where the padding wins
        const values = Array.from({ length: 2 * length * 3 }, (_, i) => ((i * 7919) % 5) - 2);
        const x = tf.tensor3d(values, [2, length, 3]);
        const w = tf.tensor3d(
          values.map((_, i) => 1 + i),
          [2, length, 3],
        );
        const pool = new ZeroPaddedMaxPool1D({ poolSize });
        const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool.apply(t) as tf.Tensor, w)))(x);
        const reference = tf.grad((t: tf.Tensor) =>
          tf.sum(tf.mul(runningMax(t as tf.Tensor3D, poolSize), w)),
        )(x);
        expectTensorsClose(pool.apply(x) as tf.Tensor, runningMax(x, poolSize));
        expectTensorsClose(ours, reference);
        tf.dispose([x, w, ours, reference]);
      }
    }
  });

  it('sends the gradient to the first maximum of each window, none to the padding (PyTorch max_pool1d)', async () => {
    // PyTorch 1.13: x = [-1, -2, 3, 3], F.max_pool1d(F.pad(x, (1, 1)), 3, 1) = [0, 3, 3, 3]; the gradient of
    // Σ y·[1, 10, 100, 1000] is [0, 0, 1110, 0] (the tie of the last two windows goes to x[2]).
    // Second channel: constant 5 (PyTorch: [2, 1, 1, 0]). Checked on both backends (wasm's MaxPoolGrad is ours).
    for (const backend of [testBackend(), 'cpu'] as const) {
      await initBackend({ backend });
      const x = tf.tensor3d([
        [
          [-1, 5],
          [-2, 5],
          [3, 5],
          [3, 5],
        ],
      ]);
      const weights = tf.tensor3d([
        [
          [1, 1],
          [10, 1],
          [100, 1],
          [1000, 1],
        ],
      ]);
      const pool = new ZeroPaddedMaxPool1D();
      const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(pool.apply(input) as tf.Tensor, weights)));
      const before = tf.memory().numTensors;
      const dx = grad(x);
      expect(tf.memory().numTensors).toBe(before + 1);
      expectTensorsClose(dx, [
        [
          [0, 2],
          [0, 1],
          [1110, 1],
          [0, 0],
        ],
      ]);
      tf.dispose([x, weights, dx]);
    }
  });
});
