// One optimizer update (applyGradients) on a model of ~1M float32 parameters, per optimizer, on the
// wasm backend (cpu with BENCH_BACKEND=cpu). Prints one JSON line per figure; timings are noisy on
// shared 2-core machines.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import * as tf from '@tensorflow/tfjs-core';

import { Adam, AdamW, RMSprop, SGD, type ScheduledOptimizer } from '../src/index';

const backend = process.env.BENCH_BACKEND ?? 'wasm';
const SHAPES = [[512, 1024], [1024], [1024, 512], [512], [64, 512]];
const STEPS = 20;

async function main(): Promise<void> {
  await tf.setBackend(backend);
  await tf.ready();
  const params = SHAPES.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  const variables = SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.01), true, `bench/v${i}`));
  const grads = Object.fromEntries(variables.map((v) => [v.name, tf.randomNormal(v.shape, 0, 0.01)]));
  const cases: [string, () => ScheduledOptimizer][] = [
    [
      'SGD momentum 0.9 + wd 5e-4 + clip 5',
      () => new SGD({ learningRate: 0.02, momentum: 0.9, weightDecay: 5e-4, clipGradNorm: 5 }),
    ],
    ['Adam', () => new Adam({ learningRate: 1e-3 })],
    ['AdamW wd 0.1', () => new AdamW({ learningRate: 1e-3, weightDecay: 0.1 })],
    ['RMSprop centered momentum', () => new RMSprop({ learningRate: 1e-3, momentum: 0.9, centered: true })],
  ];
  for (const [name, make] of cases) {
    const optimizer = make();
    optimizer.applyGradients(grads); // creates the slots
    await variables[0]!.data();
    const start = performance.now();
    for (let i = 0; i < STEPS; i++) optimizer.applyGradients(grads);
    await Promise.all(variables.map((v) => v.data()));
    const ms = (performance.now() - start) / STEPS;
    console.log(
      JSON.stringify({
        bench: 'optimizer-update',
        backend,
        name,
        params,
        msPerUpdate: Number(ms.toFixed(2)),
      }),
    );
    optimizer.dispose();
  }
  tf.dispose([variables, grads]);
}

void main();
