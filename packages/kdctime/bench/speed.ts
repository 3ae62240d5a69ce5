// Training time per epoch and inference series/s for InceptionTime (Keras depth 6 and KDCTime depth 3), ROCKET and
// MiniRocket on generated Cylinder-Bell-Funnel (30 train / 900 test, length 128), wasm backend (BENCH_BACKEND=cpu
// to compare). One JSON line per figure. Timings are noisy on a shared 2-core machine.
//
//   pnpm bench            (tsx bench/speed.ts [--epochs 3] [--test 900])
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendChoice } from '@frx/tensor-utils';

import {
  cylinderBellFunnel,
  inceptionTime,
  INCEPTION_TIME_KDCTIME,
  predictLogits,
  RocketClassifier,
  trainClassifier,
} from '../src/index';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm bench -- --flag` forwards the separator

const { values: args } = parseArgs({
  args: argv,
  options: {
    epochs: { type: 'string', default: '3' },
    test: { type: 'string', default: '900' },
  },
});

/** Wall and CPU seconds of fn (CPU time is less sensitive to other processes on a shared machine; all methods here
 * run on one thread, wasm included). */
function timed<T>(fn: () => T): { result: T; wall: number; cpu: number } {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = fn();
  const cpu = process.cpuUsage(cpu0);
  return { result, wall: (performance.now() - wall0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

async function main(): Promise<void> {
  const backend = await initBackend({ backend: (process.env.BENCH_BACKEND ?? 'wasm') as BackendChoice });
  const epochs = Number(args.epochs);
  const { train, test } = cylinderBellFunnel({ seed: 1, testSize: Number(args.test) });
  const cases = test.codes.length;
  const base = { dataset: 'CBF-generated', train: train.codes.length, test: cases, length: 128, backend };
  const inference: Record<string, number> = {};
  for (const [name, preset] of [
    ['inception-time keras depth 6', {}],
    ['inception-time kdctime depth 3', INCEPTION_TIME_KDCTIME],
  ] as const) {
    const model = inceptionTime({ ...preset, classes: 3, length: 128, seed: 1 });
    // one warm-up epoch (kernel set-up), then the timed ones
    await trainClassifier(model, train, { epochs: 1, batchSize: 16 });
    const history = await trainClassifier(model, train, { epochs, batchSize: 16 });
    emit({
      ...base,
      method: name,
      figure: 'train seconds per epoch',
      value: history.seconds / epochs,
      epochs,
      batchSize: 16,
    });
    predictLogits(model, {
      values: Array.from(test.series.values).slice(0, 128 * 64),
      shape: [64, 128, 1],
    }).dispose();
    const { wall, cpu } = timed(() => predictLogits(model, test.series).dispose());
    inference[name] = cases / cpu;
    emit({
      ...base,
      method: name,
      figure: 'inference series per second (wall)',
      value: cases / wall,
      batchSize: 256,
    });
    emit({
      ...base,
      method: name,
      figure: 'inference series per CPU second',
      value: cases / cpu,
      batchSize: 256,
    });
    model.dispose();
  }
  for (const transform of ['rocket', 'minirocket'] as const) {
    const start = performance.now();
    const classifier = new RocketClassifier({ transform, seed: 1 }).fit(train.series, train.codes, 3);
    emit({
      ...base,
      method: transform,
      figure: 'train seconds (transform + ridge CV)',
      value: (performance.now() - start) / 1000,
    });
    const { wall, cpu } = timed(() => classifier.predict(test.series));
    inference[transform] = cases / cpu;
    emit({
      ...base,
      method: transform,
      figure: 'inference series per second (wall, transform + classify)',
      value: cases / wall,
    });
    emit({
      ...base,
      method: transform,
      figure: 'inference series per CPU second (transform + classify)',
      value: cases / cpu,
    });
  }
  emit({
    ...base,
    figure: 'inference speed ratio (CPU time per series) InceptionTime keras depth 6 / ROCKET',
    value: inference['inception-time keras depth 6']! / inference.rocket!,
  });
  emit({
    ...base,
    figure: 'inference speed ratio (CPU time per series) InceptionTime kdctime depth 3 / ROCKET',
    value: inference['inception-time kdctime depth 3']! / inference.rocket!,
  });
  if (tf.memory().numTensors > 100) emit({ warning: 'tensors left', numTensors: tf.memory().numTensors });
}

await main();
