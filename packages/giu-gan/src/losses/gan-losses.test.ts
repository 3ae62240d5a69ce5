import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { TwiceDifferentiableLeakyReLU } from '../layers/leaky-relu';
import { SpectralConv2D } from '../layers/spectral-conv-2d';
import { SpectralDense } from '../layers/spectral-dense';
import { createDiscriminator32 } from '../models/discriminator-32';
import { gradientPenalty, hingeLoss, nonSaturatingLoss, wassersteinLoss } from './gan-losses';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

const softplus = (v: number) => Math.log1p(Math.exp(v));
const scalar = (t: tf.Scalar) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('GAN losses (hand-computed values)', () => {
  const real = () => tf.tensor2d([[2], [-1]]);
  const fake = () => tf.tensor2d([[0.5], [-3]]);

  it('non-saturating: softplus(−D(x)) + softplus(D(G(z))); G: softplus(−D(G(z))); stable for large scores', () => {
    const r = real();
    const f = fake();
    expect(scalar(nonSaturatingLoss.discriminator(r, f))).toBeCloseTo(
      (softplus(-2) + softplus(1)) / 2 + (softplus(0.5) + softplus(-3)) / 2,
      5,
    );
    expect(scalar(nonSaturatingLoss.generator(f))).toBeCloseTo((softplus(-0.5) + softplus(3)) / 2, 5);
    const big = tf.tensor1d([200, -200]);
    expect(scalar(nonSaturatingLoss.generator(big))).toBeCloseTo(100, 3);
    tf.dispose([r, f, big]);
  });

  it('hinge: relu(1 − D(x)) + relu(1 + D(G(z))); G: −D(G(z))', () => {
    const r = real();
    const f = fake();
    expect(scalar(hingeLoss.discriminator(r, f))).toBeCloseTo((0 + 2) / 2 + (1.5 + 0) / 2, 6);
    expect(scalar(hingeLoss.generator(f))).toBeCloseTo(1.25, 6);
    tf.dispose([r, f]);
  });

  it('Wasserstein: mean D(G(z)) − mean D(x); G: −mean D(G(z))', async () => {
    const r = real();
    const f = fake();
    const { result, newTensors } = await countNewTensors(() => wassersteinLoss.discriminator(r, f));
    expect(newTensors).toBe(1);
    expect(scalar(result)).toBeCloseTo(-1.25 - 0.5, 6);
    expect(scalar(wassersteinLoss.generator(f))).toBeCloseTo(1.25, 6);
    tf.dispose([r, f]);
  });
});

describe('gradientPenalty (WGAN-GP, second-order gradients)', () => {
  it('equals λ·(‖w‖ − 1)² for a linear critic D(x) = Σ w·x', () => {
    const w = tf.tensor4d([0.5, -1, 2, 0.25], [1, 2, 2, 1]);
    const critic = (x: tf.Tensor4D) => tf.sum(tf.mul(x, w), [1, 2, 3]);
    const real = tf.randomNormal<tf.Rank.R4>([3, 2, 2, 1]);
    const fake = tf.randomNormal<tf.Rank.R4>([3, 2, 2, 1]);
    const eps = tf.tensor1d([0.1, 0.5, 0.9]);
    const norm = Math.sqrt(0.25 + 1 + 4 + 0.0625);
    expect(scalar(gradientPenalty(critic, real, fake, eps))).toBeCloseTo(10 * (norm - 1) ** 2, 4);
    tf.dispose([w, real, fake, eps]);
  });

  it('fails through tfjs’ own LeakyReLU (no gradient for Greater), the reason for TwiceDifferentiableLeakyReLU', () => {
    const x = tf.tensor4d([0.5, -1, 2, -0.25], [1, 2, 2, 1]);
    const critic = (v: tf.Tensor4D) => tf.sum(tf.leakyRelu(v, 0.1), [1, 2, 3]);
    const w = tf.variable(tf.tensor4d([1, 1, 1, 1], [1, 2, 2, 1]));
    expect(() =>
      tf.variableGrads(
        () => gradientPenalty((v) => critic(tf.mul<tf.Tensor4D>(v, w)), x, x, tf.tensor1d([0.5])),
        [w],
      ),
    ).toThrow(/gradient function not found for Greater/);
    const ours = new TwiceDifferentiableLeakyReLU({ alpha: 0.1 });
    const y = ours.apply(x) as tf.Tensor;
    expectTensorsClose(
      y,
      [
        [
          [[0.5], [-0.1]],
          [[2], [-0.025]],
        ],
      ],
      { rtol: 1e-6, atol: 1e-7 },
    );
    tf.dispose([x, w, y]);
  });

  it('its gradient with respect to the critic weights matches central finite differences (conv + LeakyReLU + dense)', () => {
    const model = tfl.sequential({
      layers: [
        new SpectralConv2D({
          inputShape: [4, 4, 2],
          filters: 3,
          kernelSize: 3,
          strides: 2,
          spectralNorm: false,
          seed: 1,
        }),
        new TwiceDifferentiableLeakyReLU({ alpha: 0.1 }),
        tfl.layers.flatten(),
        new SpectralDense({ units: 1, spectralNorm: false, seed: 2 }),
      ],
    });
    // Larger weights than the N(0, 0.02) init so the penalty's gradient is well above float32 noise.
    tf.tidy(() => model.setWeights(model.getWeights().map((w, i) => tf.mul(w, i % 2 === 0 ? 40 : 1))));
    const real = tf.randomNormal<tf.Rank.R4>([2, 4, 4, 2], 0, 1, 'float32', 3);
    const fake = tf.randomNormal<tf.Rank.R4>([2, 4, 4, 2], 0, 1, 'float32', 4);
    const eps = tf.tensor1d([0.3, 0.7]);
    const critic = (x: tf.Tensor4D) => model.apply(x) as tf.Tensor;
    const kernel = model.layers[0]!.weights[0]!;
    const { grads } = tf.variableGrads(
      () => gradientPenalty(critic, real, fake, eps),
      [kernel.read() as tf.Variable],
    );
    const analytic = grads[(kernel.read() as tf.Variable).name]!.dataSync();
    const base = kernel.read().dataSync().slice();
    const h = 1e-2;
    for (const index of [0, 7, 20, 40]) {
      const at = (delta: number) => {
        const values = base.slice();
        values[index]! += delta;
        tf.tidy(() => {
          kernel.write(tf.tensor(values, kernel.shape as number[]));
        });
        return scalar(gradientPenalty(critic, real, fake, eps));
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(
        Math.abs(analytic[index]! - numeric),
        `index ${index}: ${analytic[index]} vs ${numeric}`,
      ).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
    }
    tf.dispose([grads, real, fake, eps]);
  });

  it('works through the full 32×32 discriminator with GIU and spectral norm (every op has a second derivative)', () => {
    const d = createDiscriminator32({
      width: 1,
      attention: 'giu',
      giu: { groupChannels: 2, seReduction: 2 },
      seed: 5,
    });
    const real = tf.randomNormal<tf.Rank.R4>([2, 32, 32, 3]);
    const fake = tf.randomNormal<tf.Rank.R4>([2, 32, 32, 3]);
    const eps = tf.tensor1d([0.2, 0.8]);
    const vars = d.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => gradientPenalty((x) => d.apply(x, { training: true }) as tf.Tensor, real, fake, eps),
      vars,
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const total = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.abs(g)))).dataSync()[0]!);
    expect(total).toBeGreaterThan(0);
    tf.dispose([value, grads, real, fake, eps]);
  });
});
