import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { Adam } from '@frx/mhlr';
import { initBackend } from '@frx/tensor-utils';
import { expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { createGan } from '../models/create-gan';
import { registerGanLayers } from '../register';
import { GanTrainer, type GanTrainerOptions } from './gan-trainer';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerGanLayers();
});

const giu = { groupChannels: 2, seReduction: 2 };

function makeTrainer(seed: number, options: Partial<GanTrainerOptions> = {}): GanTrainer {
  const { generator, discriminator } = createGan({
    resolution: 32,
    variant: 'giu',
    width: 1,
    latentDim: 4,
    seed,
    giu,
  });
  return new GanTrainer({ generator, discriminator, seed: 11, ...options });
}

const realBatch = () => tf.randomUniform<tf.Rank.R4>([2, 32, 32, 3], -1, 1, 'float32', 21);

describe('GanTrainer', () => {
  it('keeps a steady tensor count per step and logs finite losses', async () => {
    const trainer = makeTrainer(1);
    const real = realBatch();
    const first = await trainer.trainStep(real);
    const after = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      const log = await trainer.trainStep(real);
      expect(tf.memory().numTensors).toBe(after);
      expect(Number.isFinite(log.lossD) && Number.isFinite(log.lossG)).toBe(true);
    }
    expect(first.step).toBe(1);
    expect(trainer.step).toBe(3);
    real.dispose();
    trainer.dispose();
  });

  it('runs n_critic discriminator updates per generator update (WGAN-GP, with its penalty)', async () => {
    const dOpt = new Adam({ learningRate: 1e-4, beta1: 0, beta2: 0.9 });
    const gOpt = new Adam({ learningRate: 1e-4, beta1: 0, beta2: 0.9 });
    const trainer = makeTrainer(2, {
      loss: 'wgan-gp',
      criticSteps: 2,
      discriminatorOptimizer: dOpt,
      generatorOptimizer: gOpt,
    });
    const real = realBatch();
    const log = await trainer.trainStep([real, real]);
    expect(log.gradientPenalty).toBeGreaterThanOrEqual(0);
    expect(dOpt.getState().iterations).toBe(2);
    expect(gOpt.getState().iterations).toBe(1);
    await expect(trainer.trainStep([real])).rejects.toThrow(/expected 2 real batches \(criticSteps\), got 1/);
    real.dispose();
    trainer.dispose();
  });

  it('resumes exactly from a JSON checkpoint into freshly built models', async () => {
    const real = realBatch();
    const a = makeTrainer(3);
    await a.trainStep(real);
    await a.trainStep(real);
    const saved = JSON.parse(JSON.stringify(a.getCheckpoint())) as ReturnType<GanTrainer['getCheckpoint']>;
    const b = makeTrainer(99); // other initial weights: everything must come from the checkpoint
    b.loadCheckpoint(saved);
    expect(b.step).toBe(2);
    const logA = await a.trainStep(real);
    const logB = await b.trainStep(real);
    expect(logB.lossD).toBeCloseTo(logA.lossD, 5);
    expect(logB.lossG).toBeCloseTo(logA.lossG, 5);
    a.generator.weights.forEach((w, i) =>
      expectTensorsClose(b.generator.weights[i]!.read(), w.read(), { rtol: 1e-5, atol: 1e-6, label: w.name }),
    );
    const sa = a.sample(2);
    const sb = b.sample(2);
    expectTensorsClose(sb, sa, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([real, sa, sb]);
    expect(() => b.loadCheckpoint({ ...saved, generator: saved.generator.slice(1) })).toThrow(
      /generator has \d+ weights, the model \d+/,
    );
    a.dispose();
    b.dispose();
  });

  it('samples with the EMA weights (restoring the live ones) and rejects unknown options', async () => {
    const trainer = makeTrainer(4, { emaDecay: 0.5 });
    const real = realBatch();
    await trainer.trainStep(real);
    await trainer.trainStep(real);
    const z = tf.randomNormal<tf.Rank.R2>([2, 4], 0, 1, 'float32', 5);
    const live = trainer.generator.apply(z, { training: false }) as tf.Tensor;
    const before = tf.memory().numTensors;
    const averaged = trainer.sample(z);
    expect(tf.memory().numTensors).toBe(before + 1);
    const liveAgain = trainer.generator.apply(z, { training: false }) as tf.Tensor;
    expectTensorsClose(liveAgain, live, { rtol: 0, atol: 0, label: 'live weights restored' });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(averaged, live))).dataSync()[0]!)).toBeGreaterThan(0);
    tf.dispose([z, live, averaged, liveAgain, real]);
    trainer.dispose();
    expect(() => makeTrainer(5, { nCritic: 2 } as never)).toThrow(/unknown option 'nCritic'/);
  });
});
