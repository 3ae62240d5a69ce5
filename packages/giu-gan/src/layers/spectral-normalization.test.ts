import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { registerGanLayers } from '../register';
import { SpectralConv2D } from './spectral-conv-2d';
import { SpectralDense } from './spectral-dense';
import { spectralNormalize } from './spectral-normalization';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerGanLayers();
});

describe('spectralNormalize', () => {
  it('converges to the largest singular value (hand-built matrix with singular values 3, 2, 1)', () => {
    // PyTorch layout W = diag(3, 2, 1) [out 3, in 3]; tfjs kernel = Wᵀ [in, out].
    const kernel = tf.tensor2d([
      [3, 0, 0],
      [0, 2, 0],
      [0, 0, 1],
    ]);
    let u = tf.tensor1d([1, 1, 1]);
    let sigma = 0;
    for (let i = 0; i < 30; i++) {
      const r = spectralNormalize(kernel, u);
      u.dispose();
      u = r.u;
      sigma = r.sigma.dataSync()[0]!;
      tf.dispose([r.kernel, r.sigma]);
    }
    expect(sigma).toBeCloseTo(3, 5);
    const { kernel: normalized, sigma: s } = spectralNormalize(kernel, u);
    expectTensorsClose(
      normalized,
      [
        [1, 0, 0],
        [0, 2 / 3, 0],
        [0, 0, 1 / 3],
      ],
      { atol: 1e-5 },
    );
    tf.dispose([kernel, u, normalized, s]);
  });

  it('treats u and v as constants: dσ/dW = u vᵀ (Miyato et al. 2018, eq. 12)', () => {
    const kernel = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]); // [in 3, out 2]; W = kernelᵀ
    const u0 = tf.tensor1d([0.6, 0.8]);
    const { u, sigma } = spectralNormalize(kernel, u0);
    const v = tf.tidy(() => {
      const wtu = tf.matMul(kernel, tf.reshape(u0, [2, 1]));
      return tf.div(wtu, tf.norm(wtu));
    });
    const g = tf.grad((k: tf.Tensor) => spectralNormalize(k, u0).sigma)(kernel);
    // dσ/dWᵀ[i, j] = v_i u_j.
    const expected = tf.matMul(v, tf.reshape(u, [1, 2]));
    expectTensorsClose(g, expected, { rtol: 1e-5, atol: 1e-6 });
    expect(sigma.dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([kernel, u0, u, sigma, v, g, expected]);
  });
});

describe('SpectralConv2D and SpectralDense', () => {
  it('update u only in training calls, match shapes, round-trip config and leak nothing', async () => {
    const conv = new SpectralConv2D({ filters: 4, kernelSize: 4, strides: 2, seed: 1 });
    const x = tf.randomNormal([2, 8, 8, 3]);
    tf.dispose(conv.apply(x) as tf.Tensor);
    const u = conv.weights.find((w) => w.name.includes('sn_u'))!;
    const before = Array.from(u.read().dataSync());
    tf.dispose(conv.apply(x) as tf.Tensor);
    expect(Array.from(u.read().dataSync())).toEqual(before);
    const { result, newTensors } = await countNewTensors(
      () => conv.apply(x, { training: true }) as tf.Tensor,
    );
    expect(newTensors).toBe(1);
    expect(result.shape).toEqual([2, 4, 4, 4]);
    expect(Array.from(u.read().dataSync())).not.toEqual(before);
    expect(SpectralConv2D.fromConfig(SpectralConv2D, conv.getConfig()).getConfig()).toEqual({
      ...conv.getConfig(),
      name: expect.any(String),
    });

    const dense = new SpectralDense({ units: 1, seed: 2 });
    const flat = tf.randomNormal([2, 5]);
    const out = dense.apply(flat, { training: true }) as tf.Tensor;
    expect(out.shape).toEqual([2, 1]);
    expect(dense.countParams()).toBe(5 + 1 + 1);
    tf.dispose([x, result, flat, out]);
  });

  it('without spectral norm is a plain convolution with the TF padding rule', () => {
    const conv = new SpectralConv2D({
      filters: 2,
      kernelSize: 3,
      spectralNorm: false,
      useBias: false,
      seed: 3,
    });
    const x = tf.randomNormal([1, 5, 5, 2]);
    const y = conv.apply(x) as tf.Tensor4D;
    const expected = tf.conv2d(x as tf.Tensor4D, conv.getWeights()[0] as tf.Tensor4D, 1, 'same');
    expectTensorsClose(y, expected, { rtol: 1e-6, atol: 1e-6 });
    expect(conv.weights).toHaveLength(1);
    tf.dispose([x, y, expected]);
  });
});
