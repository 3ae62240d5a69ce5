// Accuracy on small UCR 2018 datasets from ../shared/data/ucr2018: one InceptionTime run (Keras layout), a KDCT
// student (KDCTime layout, depth 3) distilled from it, ROCKET and MiniRocket; one JSON line per dataset × method,
// with the published means from ../shared/data/published-results/summary_small_ucr.md for comparison.
//
//   pnpm bench:accuracy -- --datasets GunPoint,CBF --epochs 100 [--student-epochs 200] [--batch-size 16]
//     [--no-students] [--no-inception] [--no-rocket] [--rocket-runs 1] [--bn-statistics recompute|moving] [--seed 1]
//
// Wall-clock budget: the published 1500 InceptionTime epochs are out of reach on wasm (one core); the epochs used
// are printed with every line. Timings are noisy on a shared 2-core machine.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';
import { loadUcrDataset } from '@frx/data-readers/node';
import { prepareSeries } from '@frx/data-readers';
import { initBackend } from '@frx/tensor-utils';

import {
  accuracy,
  INCEPTION_TIME_KDCTIME,
  INCEPTION_TIME_TRAINING,
  KDCTIME_TRAINING,
  RocketClassifier,
  STUDENT_PRESETS,
  inceptionTime,
  predictLogits,
  trainClassifier,
  trainStudent,
  type EpochInfo,
  type LabelledSeriesMatrix,
} from '../src/index';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const ALL = [
  'GunPoint',
  'Coffee',
  'ECG200',
  'ItalyPowerDemand',
  'CBF',
  'SyntheticControl',
  'ArrowHead',
  'Chinatown',
];

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm bench -- --flag` forwards the separator

const { values: args } = parseArgs({
  args: argv,
  options: {
    datasets: { type: 'string', default: ALL.join(',') },
    epochs: { type: 'string', default: '100' },
    'student-epochs': { type: 'string' },
    'batch-size': { type: 'string', default: '16' },
    'no-students': { type: 'boolean', default: false },
    'no-inception': { type: 'boolean', default: false },
    'no-rocket': { type: 'boolean', default: false },
    'rocket-runs': { type: 'string', default: '1' },
    'bn-statistics': { type: 'string', default: 'recompute' },
    seed: { type: 'string', default: '1' },
  },
});

interface Published {
  inceptionEnsemble: number;
  inceptionSingleMean: number;
  inceptionSingleMin: number;
  inceptionSingleMax: number;
  rocket: number;
  miniRocketMean30: number;
}

function readPublished(): Map<string, Published> {
  const out = new Map<string, Published>();
  const path = join(DATA, 'published-results/summary_small_ucr.md');
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 7 || !/^[0-9.]+$/.test(cells[2] ?? '')) continue;
    const single = /([0-9.]+) \[([0-9.]+)-([0-9.]+)\]/.exec(cells[3]!);
    out.set(cells[1]!, {
      inceptionEnsemble: Number(cells[2]),
      inceptionSingleMean: Number(single?.[1]),
      inceptionSingleMin: Number(single?.[2]),
      inceptionSingleMax: Number(single?.[3]),
      rocket: Number(cells[4]),
      miniRocketMean30: Number(cells[5]),
    });
  }
  return out;
}

/** Progress on stderr so that stdout stays one JSON line per figure. */
const progress = (label: string) => (info: EpochInfo) => {
  if ((info.epoch + 1) % 10 === 0) {
    process.stderr.write(
      `${label} epoch ${info.epoch + 1} loss ${info.loss.toFixed(4)} ${info.seconds.toFixed(1)} s\n`,
    );
  }
};

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

async function main(): Promise<void> {
  const ucrDir = join(DATA, 'ucr2018');
  if (!existsSync(ucrDir)) {
    emit({ skipped: `no UCR data at ${ucrDir}` });
    return;
  }
  const backend = await initBackend({ backend: 'wasm' });
  const published = readPublished();
  const epochs = Number(args.epochs);
  const studentEpochs = Number(args['student-epochs'] ?? args.epochs);
  const batchSize = Number(args['batch-size']);
  const seed = Number(args.seed);
  for (const name of args.datasets.split(',')) {
    const dataset = await loadUcrDataset(ucrDir, name);
    const classes = dataset.classes.length;
    // InceptionTime's reader z-normalises each series (hfawaz utils); ROCKET's protocol uses the raw values.
    const raw = (split: typeof dataset.train): LabelledSeriesMatrix => ({
      series: prepareSeries(split),
      codes: split.codes,
      classes,
    });
    const z = (split: typeof dataset.train): LabelledSeriesMatrix => ({
      series: prepareSeries(split, { zNormalize: true }),
      codes: split.codes,
      classes,
    });
    const pub = published.get(name);
    const base = {
      dataset: name,
      train: dataset.train.codes.length,
      test: dataset.test.codes.length,
      backend,
    };
    if (!args['no-rocket']) {
      const [train, test] = [raw(dataset.train), raw(dataset.test)];
      for (const transform of ['rocket', 'minirocket'] as const) {
        const accs: number[] = [];
        let fitSeconds = 0;
        let predictSeconds = 0;
        for (let run = 0; run < Number(args['rocket-runs']); run++) {
          let t = performance.now();
          const classifier = new RocketClassifier({ transform, seed: seed * 100 + run }).fit(
            train.series,
            train.codes,
            classes,
          );
          fitSeconds += (performance.now() - t) / 1000;
          t = performance.now();
          const predicted = classifier.predict(test.series);
          predictSeconds += (performance.now() - t) / 1000;
          accs.push(predicted.reduce((n, p, i) => n + (p === test.codes[i] ? 1 : 0), 0) / predicted.length);
        }
        const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
        const publishedValue = transform === 'rocket' ? pub?.rocket : pub?.miniRocketMean30;
        emit({
          ...base,
          method: transform,
          runs: accs.length,
          accuracy: mean,
          published: publishedValue ?? null,
          publishedSource:
            transform === 'rocket'
              ? 'angus924/rocket mean of 10'
              : 'angus924/minirocket mean of 30 resamples',
          withinTwoPoints: publishedValue === undefined ? null : mean >= publishedValue - 0.02,
          trainSeconds: fitSeconds / accs.length,
          inferenceSecondsPer1000: (predictSeconds / accs.length / test.codes.length) * 1000,
        });
      }
    }
    if (args['no-inception']) continue;
    const [train, test] = [z(dataset.train), z(dataset.test)];
    const length = train.series.shape[1];
    const teacher = inceptionTime({ classes, length, seed });
    const history = await trainClassifier(teacher, train, {
      ...INCEPTION_TIME_TRAINING,
      epochs,
      batchSize,
      seed,
      batchNormStatistics: args['bn-statistics'] as 'recompute' | 'moving',
      onEpochEnd: progress(`${name} teacher`),
    });
    let t = performance.now();
    const teacherTestLogits = predictLogits(teacher, test.series);
    const inferSeconds = (performance.now() - t) / 1000;
    const teacherAccuracy = accuracy(teacherTestLogits, test.codes);
    teacherTestLogits.dispose();
    const spread = pub ? pub.inceptionSingleMax - pub.inceptionSingleMin : 0;
    const tolerance = spread > 0.02 ? 0.03 : 0.02;
    emit({
      ...base,
      method: 'inception-time',
      layout: 'keras depth 6',
      epochs,
      batchSize,
      keptEpoch: history.keptEpoch,
      finalTrainLoss: history.losses.at(-1),
      accuracy: teacherAccuracy,
      published: pub?.inceptionSingleMean ?? null,
      publishedSource: 'hfawaz/InceptionTime single-run mean of 5 (1500 epochs)',
      tolerance,
      withinTolerance: pub ? teacherAccuracy >= pub.inceptionSingleMean - tolerance : null,
      trainSecondsPerEpoch: history.seconds / epochs,
      inferenceSecondsPer1000: (inferSeconds / test.codes.length) * 1000,
    });
    if (!args['no-students']) {
      const teacherTrainLogits = predictLogits(teacher, train.series);
      const student = inceptionTime({ ...INCEPTION_TIME_KDCTIME, classes, length, seed: seed + 1 });
      const studentHistory = await trainStudent(student, train, teacherTrainLogits, {
        ...KDCTIME_TRAINING,
        ...STUDENT_PRESETS.kdct,
        epochs: studentEpochs,
        stepSize: Math.max(1, Math.floor(studentEpochs / 7) - 1),
        batchSize,
        seed,
        onEpochEnd: progress(`${name} student`),
      });
      teacherTrainLogits.dispose();
      t = performance.now();
      const studentLogits = predictLogits(student, test.series);
      const studentInfer = (performance.now() - t) / 1000;
      const studentAccuracy = accuracy(studentLogits, test.codes);
      studentLogits.dispose();
      student.dispose();
      emit({
        ...base,
        method: 'kdct-student',
        layout: 'kdctime depth 3',
        epochs: studentEpochs,
        batchSize,
        accuracy: studentAccuracy,
        teacherAccuracy,
        studentMinusTeacher: studentAccuracy - teacherAccuracy,
        trainSecondsPerEpoch: studentHistory.seconds / epochs,
        inferenceSecondsPer1000: (studentInfer / test.codes.length) * 1000,
      });
    }
    teacher.dispose();
    if (tf.memory().numTensors > 1000)
      emit({ warning: 'tensor count grew', numTensors: tf.memory().numTensors });
  }
}

await main();
