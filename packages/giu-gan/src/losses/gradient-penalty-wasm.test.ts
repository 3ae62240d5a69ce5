import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';

import { createDiscriminator32 } from '../models/discriminator-32';
import { gradientPenalty } from './gan-losses';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('gradientPenalty on the wasm backend', () => {
  it('differentiates the penalty through the GIU discriminator and agrees with the cpu backend', async () => {
    const run = () => {
      const d = createDiscriminator32({
        width: 1,
        attention: 'giu',
        giu: { groupChannels: 2, seReduction: 2 },
        seed: 5,
      });
      const real = tf.randomUniform<tf.Rank.R4>([2, 32, 32, 3], -1, 1, 'float32', 1);
      const fake = tf.randomUniform<tf.Rank.R4>([2, 32, 32, 3], -1, 1, 'float32', 2);
      const eps = tf.tensor1d([0.2, 0.8]);
      // Scale D's first kernel up so the penalty's gradient is far from float32 noise.
      tf.tidy(() => {
        const w = d.layers[0]!.weights[0]!;
        w.write(tf.mul(w.read(), 50));
      });
      const vars = d.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => gradientPenalty((x) => d.apply(x) as tf.Tensor, real, fake, eps),
        vars,
      );
      const first = Array.from(grads[vars[0]!.name]!.dataSync());
      const penalty = value.dataSync()[0]!;
      tf.dispose([value, grads, real, fake, eps]);
      d.dispose();
      return { penalty, first };
    };
    const wasm = run();
    await initBackend({ backend: 'cpu' });
    const cpu = run();
    expect(wasm.penalty).toBeCloseTo(cpu.penalty, 4);
    const scale = Math.max(...cpu.first.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    wasm.first.forEach((g, i) => expect(Math.abs(g - cpu.first[i]!)).toBeLessThan(1e-3 * scale));
  });
});
