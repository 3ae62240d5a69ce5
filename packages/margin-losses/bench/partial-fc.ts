/**
 * Partial FC against the full FC at 100k classes × 512 dims, batch 128, on the wasm backend: time per
 * step (wall and process CPU time) and peak tensor memory (tf.memory().numBytes during one step, via
 * tf.profile). Prints one JSON
 * line per figure. Each mode runs in its own process, because a wasm out-of-memory abort cannot be
 * recovered from; a failed mode prints a line with `"figure": "error"`.
 *
 * Run: `pnpm bench` in packages/margin-losses (FRX_BENCH_CLASSES, FRX_BENCH_STEPS override the size and
 * the number of timed steps). Timings on a shared 2-core machine are noisy.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { createRng, initBackend, randomNormalTensor } from '@frx/tensor-utils';

import { arcFaceLogits, cosineLogits, marginCrossEntropy, PartialFC } from '../src/index';

const CLASSES = Number(process.env.FRX_BENCH_CLASSES ?? 100_000);
const DIM = 512;
const BATCH = 128;
const STEPS = Number(process.env.FRX_BENCH_STEPS ?? 3);
const MODES = ['partial-0.1', 'partial-0.3', 'full'];

function emit(
  figure: string,
  mode: string,
  value: number | string,
  unit: string,
  extra: Record<string, unknown> = {},
): void {
  const line = {
    bench: 'partial-fc',
    figure,
    mode,
    value,
    unit,
    classes: CLASSES,
    dim: DIM,
    batch: BATCH,
    backend: 'wasm',
    ...extra,
  };
  console.log(JSON.stringify(line));
}

async function measure(mode: string, step: () => void): Promise<void> {
  step(); // warm-up: optimizer state allocated
  const resident = tf.memory().numBytes;
  const info = await tf.profile(step);
  emit('residentBytes', mode, resident, 'bytes');
  emit('peakBytes', mode, info.peakBytes, 'bytes');
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < STEPS; i++) step();
  const cpu = process.cpuUsage(cpuStart);
  emit('msPerStep', mode, (performance.now() - start) / STEPS, 'ms', { steps: STEPS });
  // CPU time of this process: less sensitive than wall time to other jobs sharing the two cores.
  emit('cpuMsPerStep', mode, (cpu.user + cpu.system) / 1000 / STEPS, 'ms', { steps: STEPS });
}

async function runMode(mode: string): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const rng = createRng(1);
  const features = randomNormalTensor([BATCH, DIM], rng) as tf.Tensor2D;
  const labelValues = Array.from({ length: BATCH }, () => rng.int(CLASSES));
  const labels = tf.tensor1d(labelValues, 'int32');
  if (mode === 'full') {
    // The baseline: every class centre in the logits, tfjs autodiff and tf.train.momentum on the whole W.
    const weight = tf.tidy(() =>
      tf.variable(randomNormalTensor([CLASSES, DIM], rng, { stddev: 0.01 }) as tf.Tensor2D),
    );
    const optimizer = tf.train.momentum(0.1, 0.9);
    await measure(mode, () => {
      const loss = optimizer.minimize(
        () => marginCrossEntropy(arcFaceLogits(cosineLogits(features, weight), labels), labels),
        true,
        [weight],
      );
      loss?.dataSync();
      loss?.dispose();
    });
  } else {
    const sampleRate = Number(mode.slice('partial-'.length));
    const pfc = new PartialFC({
      numClasses: CLASSES,
      embeddingSize: DIM,
      sampleRate,
      weightDecay: 0,
      seed: 1,
    });
    await measure(mode, () => {
      const loss = pfc.step(features, labelValues);
      loss.dataSync();
      loss.dispose();
    });
  }
}

const mode = process.argv[2];
if (mode !== undefined) {
  runMode(mode).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  for (const m of MODES) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), m], {
      encoding: 'utf8',
      env: process.env,
    });
    process.stdout.write(child.stdout);
    if (child.status !== 0) {
      const reason = (
        child.stderr.split('\n').find((l) => /Error|Abort/.test(l)) ?? `exit ${child.status}`
      ).trim();
      emit('error', m, reason, 'text');
    }
  }
}
