import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers no gradients by itself (the @tensorflow/tfjs union package does).
import '@tensorflow/tfjs-core/dist/register_all_gradients';

import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { Adam } from './adam';
import { AdamW } from './adam-w';
import { clipGradientsByGlobalNorm } from './clip-grad-norm';
import { RMSprop } from './rmsprop';
import type { ScheduledOptimizer } from './scheduled-optimizer';
import { SGD } from './sgd';

// Fixture written by scripts/make-optimizer-fixtures.py (torch.optim, torch 1.13, float32).
interface Tensorish {
  shape: number[];
  values: number[];
}
interface Fixture {
  cases: {
    name: string;
    optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
    options: Record<string, unknown> & { learningRate: number };
    decayOn: string[];
    clipOn: string[];
    init: Record<string, Tensorish>;
    steps: {
      lr: number;
      grads: Record<string, number[]>;
      totalNorm: number | null;
      expected: Record<string, number[]>;
    }[];
  }[];
  clip: { maxNorm: number; grads: Tensorish[]; totalNorm: number; clipped: number[][] }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/optimizer-fixtures.json', import.meta.url), 'utf8'),
) as Fixture;

function build(c: Fixture['cases'][number], prefix: string): ScheduledOptimizer {
  const short = (name: string) => name.slice(prefix.length + 1);
  const options = {
    ...c.options,
    weightDecayFilter: (name: string) => c.decayOn.includes(short(name)),
    ...(c.clipOn.length ? { clipFilter: (name: string) => c.clipOn.includes(short(name)) } : {}),
  };
  switch (c.optimizer) {
    case 'SGD':
      return new SGD(options);
    case 'Adam':
      return new Adam(options);
    case 'AdamW':
      return new AdamW(options);
    case 'RMSprop':
      return new RMSprop(options);
  }
}

describe('optimizers against torch.optim (fixture replay, cpu backend)', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  for (const c of fixture.cases) {
    it(`${c.name}: ${c.steps.length} steps with the rate moving mid-run match PyTorch within 1e-5`, () => {
      const prefix = `parity_${c.name}`;
      const vars = Object.fromEntries(
        Object.entries(c.init).map(([k, t]) => [
          k,
          tf.variable(tf.tensor(t.values, t.shape), true, `${prefix}/${k}`),
        ]),
      );
      const optimizer = build(c, prefix);
      c.steps.forEach((step, index) => {
        optimizer.setLearningRate(step.lr);
        const grads = Object.fromEntries(
          Object.entries(step.grads).map(([k, g]) => [`${prefix}/${k}`, tf.tensor(g, c.init[k]!.shape)]),
        );
        optimizer.applyGradients(grads);
        tf.dispose(grads);
        for (const [k, v] of Object.entries(vars)) {
          expectTensorsClose(v, tf.tensor(step.expected[k]!, c.init[k]!.shape), {
            rtol: 1e-5,
            atol: 1e-5,
            label: `${c.name} step ${index} ${k}`,
          });
        }
      });
      expect(optimizer.iterations).toBe(c.steps.length);
      optimizer.dispose();
      tf.dispose(Object.values(vars));
    });
  }

  it('clipGradientsByGlobalNorm matches torch.nn.utils.clip_grad_norm_ (clipping and pass-through)', () => {
    for (const c of fixture.clip) {
      const grads = Object.fromEntries(c.grads.map((g, i) => [`g${i}`, tf.tensor(g.values, g.shape)]));
      const { grads: clipped, totalNorm } = clipGradientsByGlobalNorm(grads, c.maxNorm);
      expect(totalNorm.dataSync()[0]).toBeCloseTo(c.totalNorm, 5);
      c.clipped.forEach((expected, i) =>
        expectTensorsClose(clipped[`g${i}`]!.dataSync(), expected, { rtol: 1e-5, atol: 1e-6 }),
      );
      tf.dispose([grads, clipped, totalNorm]);
    }
  });

  it('keeps a steady tensor count per step after the first (slots created once)', async () => {
    const w = tf.variable(tf.ones([4, 3]), true, 'leak/w');
    const b = tf.variable(tf.zeros([3]), true, 'leak/b');
    for (const optimizer of [
      new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4, clipGradNorm: 1 }),
      new AdamW({ learningRate: 1e-3 }),
      new RMSprop({ learningRate: 1e-3, momentum: 0.9, centered: true }),
    ]) {
      const step = () =>
        optimizer.minimize(() => tf.sum(tf.square(tf.add(tf.matMul(tf.ones([2, 4]), w), b))));
      step();
      for (let i = 0; i < 3; i++) {
        const { newTensors } = await countNewTensors(step);
        expect(newTensors, optimizer.getClassName()).toBe(0);
      }
      const { newTensors } = await countNewTensors(() => optimizer.dispose());
      expect(newTensors).toBeLessThan(0);
    }
    tf.dispose([w, b]);
  });
});
