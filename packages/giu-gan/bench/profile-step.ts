// Where a GAN training step spends its time: the whole step, its phases (generator forward, discriminator
// forward, the D and G updates), the slot layers (GIU module / involution / RBN / spectral norm) alone, and
// the kernels of one step by total time (tf.profile). One JSON line per figure.
//
//   pnpm --filter @frx/giu-gan bench:profile -- --backend tensorflow --width 32 --batch 64 --steps 3
//
// Timings are wall-clock medians of `--steps` repetitions after one warm-up; the machine has 2 cores shared with
// other work, so figures carry the load they were measured under (printed as loadAverage).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { initBackend, type BackendChoice } from '@frx/tensor-utils';

import {
  createGan,
  GanTrainer,
  GIUModule,
  Involution2D,
  RepresentativeBatchNorm,
  spectralNormalize,
} from '../src/index';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm bench -- --flag` forwards the separator
const { values } = parseArgs({
  args: argv,
  options: {
    width: { type: 'string', default: '32' },
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '3' },
    variant: { type: 'string', default: 'giu' },
    backend: { type: 'string', default: 'tensorflow' },
    kernels: { type: 'string', default: '12' },
  },
});
const width = Number(values.width);
const batch = Number(values.batch);
const steps = Number(values.steps);
const variant = values.variant as 'giu' | 'baseline';
const backend = await initBackend({ backend: values.backend as BackendChoice });
const base = { backend, variant, width, batch };

function emit(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const load = Number(loadavg()[0]!.toFixed(2));
  console.log(
    JSON.stringify({ figure, value: Number(value.toFixed(3)), unit, ...base, ...extra, loadAverage: load }),
  );
}

async function medianMs(run: () => Promise<void> | void): Promise<number> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const { generator, discriminator } = createGan({ resolution: 32, variant, width, latentDim: 128, seed: 1 });
const trainer = new GanTrainer({ generator, discriminator, seed: 1 });
const real = tf.randomUniform<tf.Rank.R4>([batch, 32, 32, 3], -1, 1, 'float32', 1);
const z = tf.randomNormal<tf.Rank.R2>([batch, 128], 0, 1, 'float32', 2);

emit('train-step', (await medianMs(() => trainer.trainStep(real).then(() => undefined))) / 1000, 's/step');

const sync = (t: tf.Tensor | tf.Tensor[]) => (Array.isArray(t) ? t : [t]).forEach((x) => x.dataSync());
const phase = async (name: string, fn: () => tf.Tensor | tf.Tensor[]) =>
  emit(`phase/${name}`, await medianMs(() => tf.tidy(() => sync(fn()))), 'ms');
const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
await phase('generator-forward', () => generator.apply(z, { training: true }) as tf.Tensor);
await phase('discriminator-forward', () => discriminator.apply(real, { training: true }) as tf.Tensor);
await phase('discriminator-forward-backward', () => {
  const { grads } = tf.variableGrads(
    () => tf.mean(discriminator.apply(real, { training: true }) as tf.Tensor),
    dVars,
  );
  return Object.values(grads);
});
await phase('generator-forward-backward-through-D', () => {
  const { grads } = tf.variableGrads(
    () =>
      tf.mean(
        discriminator.apply(generator.apply(z, { training: true }) as tf.Tensor, {
          training: true,
        }) as tf.Tensor,
      ),
    gVars,
  );
  return Object.values(grads);
});

// Slot layers alone, forward + backward, at the shapes they see in the 32×32 networks.
const layerFigure = async (
  name: string,
  layer: tfl.layers.Layer,
  shape: [number, number, number, number],
) => {
  const x = tf.randomNormal<tf.Rank.R4>(shape, 0, 1, 'float32', 3);
  await phase(`layer-forward-backward/${name}`, () =>
    tf.grad((v: tf.Tensor) => tf.sum(tf.square(layer.apply(v, { training: true }) as tf.Tensor)))(x),
  );
  x.dispose();
};
await layerFigure('giu-module G 16x16', new GIUModule({ gateInit: 0.1, seed: 1 }), [
  batch,
  16,
  16,
  2 * width,
]);
await layerFigure('involution G 16x16', new Involution2D({ kernelSize: 3, seed: 1 }), [
  batch,
  16,
  16,
  2 * width,
]);
await layerFigure('rbn G 8x8', new RepresentativeBatchNorm(), [batch, 8, 8, 4 * width]);
await layerFigure('batch-norm G 8x8', tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }), [
  batch,
  8,
  8,
  4 * width,
]);
// Spectral norm: one power iteration of the largest discriminator kernel (4×4, 4w → 8w).
const kernel = tf.randomNormal<tf.Rank.R4>([4, 4, 4 * width, 8 * width], 0, 0.02, 'float32', 4);
const u = tf.randomNormal<tf.Rank.R1>([8 * width], 0, 1, 'float32', 5);
await phase('spectral-norm forward-backward 4x4x4wx8w', () =>
  tf.grad((k: tf.Tensor) => tf.sum(spectralNormalize(k, u).kernel))(kernel),
);

// Kernels of one whole training step by total time.
const profile = await tf.profile(async () => {
  await trainer.trainStep(real);
  return [];
});
const byKernel = new Map<string, { ms: number; calls: number }>();
let totalMs = 0;
for (const k of profile.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  entry.ms += ms;
  entry.calls += 1;
  byKernel.set(k.name, entry);
  totalMs += ms;
}
emit('profile/kernel-total', totalMs, 'ms', { kernels: profile.kernels.length });
[...byKernel.entries()]
  .sort((a, b) => b[1].ms - a[1].ms)
  .slice(0, Number(values.kernels))
  .forEach(([name, { ms, calls }]) =>
    emit(`profile/kernel/${name}`, ms, 'ms', { calls, share: Number((ms / totalMs).toFixed(3)) }),
  );

tf.dispose([real, z, kernel, u]);
trainer.dispose();
