// Time per GAN training step (baseline vs GIU-GAN, 32×32) and per layer forward+backward (wasm by default).
// Prints one JSON line per figure. Usage: pnpm bench [-- --width 8 --batch 16 --steps 3]
// The machine has 2 cores shared with other work: figures are noisy.
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';

import { initBackend } from '@frx/tensor-utils';

import { createGan, GanTrainer, GIUModule, SelfAttention } from '../src/index';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm bench -- --flag` forwards the separator
const { values } = parseArgs({
  args: argv,
  options: {
    width: { type: 'string', default: '8' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const width = Number(values.width);
const batch = Number(values.batch);
const steps = Number(values.steps);
const backend = await initBackend({ backend: values.backend as 'wasm' | 'cpu' | 'tensorflow' });

function emit(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ figure, value: Number(value.toFixed(2)), unit, backend, ...extra }));
}

for (const variant of ['baseline', 'giu'] as const) {
  const { generator, discriminator } = createGan({ resolution: 32, variant, width, seed: 1 });
  const trainer = new GanTrainer({ generator, discriminator, seed: 1 });
  const real = tf.randomUniform<tf.Rank.R4>([batch, 32, 32, 3], -1, 1, 'float32', 1);
  await trainer.trainStep(real); // warm-up: kernels, optimiser slots
  const times: number[] = [];
  for (let i = 0; i < steps; i++) times.push((await trainer.trainStep(real)).ms);
  times.sort((a, b) => a - b);
  emit(`train-step-ms/${variant}`, times[Math.floor(times.length / 2)]!, 'ms', {
    width,
    batch,
    generatorParams: generator.countParams(),
    discriminatorParams: discriminator.countParams(),
  });
  real.dispose();
  trainer.dispose();
}

// Slot layers alone at the 32×32 generator's 16×16×2w slot, forward + backward.
for (const [name, layer] of [
  ['giu-module', new GIUModule({ gateInit: 0.1, seed: 1 })],
  ['self-attention', new SelfAttention({ seed: 1 })],
] as const) {
  const x = tf.randomNormal<tf.Rank.R4>([batch, 16, 16, 2 * width]);
  const run = () =>
    tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(layer.apply(v, { training: true }) as tf.Tensor)))(
        x,
      );
      g.dataSync();
    });
  run();
  const start = performance.now();
  for (let i = 0; i < steps; i++) run();
  emit(`slot-forward-backward-ms/${name}`, (performance.now() - start) / steps, 'ms', { shape: x.shape });
  x.dispose();
}
