// Images/s of one face-recognition training step (forward, margin cross-entropy, backward, SGD momentum +
// weight decay + backbone clipping) on the wasm backend, for the CPU presets and IResNet-50 at 112×112,
// against PyTorch CPU (Debian python3-torch) on the same shapes. One JSON line per figure.
//
//   pnpm --filter @frx/example-face-recognition bench [-- --only orl-tiny,orl-small]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';

import { SGD } from '@frx/mhlr';
import { initBackend } from '@frx/tensor-utils';

import { buildBackbone } from '../src/train/build-backbone';
import { FaceHead } from '../src/train/face-head';

interface BenchConfig {
  name: string;
  depth: 18 | 50;
  width: number;
  size: number;
  embedding: number;
  batch: number;
  steps: number;
}

const CONFIGS: BenchConfig[] = [
  { name: 'orl-tiny', depth: 18, width: 0.125, size: 32, embedding: 32, batch: 16, steps: 5 },
  { name: 'orl-small', depth: 18, width: 0.25, size: 64, embedding: 128, batch: 32, steps: 3 },
  { name: 'iresnet50-112', depth: 50, width: 1, size: 112, embedding: 512, batch: 4, steps: 2 },
];
const CLASSES = 100;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { only: { type: 'string' }, 'no-pytorch': { type: 'boolean' } },
});
const chosen =
  values.only === undefined ? CONFIGS : CONFIGS.filter((c) => values.only!.split(',').includes(c.name));

const backend = await initBackend({ backend: 'wasm' });
const tfjs = new Map<string, number>();
for (const c of chosen) {
  const model = buildBackbone(
    {
      backbone: `iresnet${c.depth}`,
      width: c.width,
      embeddingSize: c.embedding,
      dropout: 0,
      inputSize: c.size,
    },
    0,
  );
  const head = new FaceHead(
    CLASSES,
    c.embedding,
    { margin: 'cosface', scale: 32, marginM: 0.35, marginM1: 1, marginM3: 0, sampleRate: 1 },
    0,
  );
  const optimizer = new SGD({
    learningRate: 0.01,
    momentum: 0.9,
    weightDecay: 5e-4,
    clipGradNorm: 5,
    clipFilter: (name) => name !== head.weight.name,
  });
  const variables = [...model.trainableWeights.map((w) => w.read() as tf.Variable), head.weight];
  const x = tf.randomNormal<tf.Rank.R4>([c.batch, c.size, c.size, 3], 0, 1, 'float32', 1);
  const labels = Int32Array.from({ length: c.batch }, (_, i) => (i * 7) % CLASSES);
  const step = async () => {
    const { value, grads } = tf.variableGrads(
      () => head.loss(model.apply(x, { training: true }) as tf.Tensor2D, { index: null, labels }),
      variables,
    );
    optimizer.applyGradients(grads);
    await value.data();
    tf.dispose([value, grads]);
  };
  await step(); // warm-up
  const start = performance.now();
  for (let i = 0; i < c.steps; i++) await step();
  const seconds = (performance.now() - start) / 1000 / c.steps;
  tfjs.set(c.name, c.batch / seconds);
  process.stdout.write(
    JSON.stringify({
      figure: 'train-step-images-per-second',
      framework: `tfjs-${backend}`,
      config: c.name,
      batch: c.batch,
      secondsPerStep: seconds,
      imagesPerSecond: c.batch / seconds,
    }) + '\n',
  );
  tf.dispose([x]);
  optimizer.dispose();
  head.dispose();
  model.dispose();
}

if (values['no-pytorch'] !== true) {
  const script = fileURLToPath(new URL('../scripts/pytorch-train-step.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script, JSON.stringify(chosen)], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) {
    process.stdout.write(
      JSON.stringify({
        figure: 'pytorch-skipped',
        reason: run.error?.message ?? run.stderr.trim().split('\n').at(-1) ?? 'python3 failed',
      }) + '\n',
    );
  } else {
    for (const line of run.stdout.trim().split('\n')) {
      const figure = JSON.parse(line) as { config: string; imagesPerSecond: number };
      process.stdout.write(line + '\n');
      const ours = tfjs.get(figure.config);
      if (ours !== undefined) {
        process.stdout.write(
          JSON.stringify({
            figure: 'tfjs-to-pytorch-speed-ratio',
            config: figure.config,
            ratio: ours / figure.imagesPerSecond,
          }) + '\n',
        );
      }
    }
  }
}
