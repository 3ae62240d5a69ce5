// The time-series pipeline: an InceptionTime teacher, LSTime / KDTime / KDCT / KDCR students, ROCKET and MiniRocket
// on one dataset; accuracy, training time and inference time per 1000 series for each.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { prepareSeries, ucrUeaArchive } from '@frx/data-readers';
import { downloadDataset, loadUcrDataset } from '@frx/data-readers/node';
import {
  accuracy,
  cylinderBellFunnel,
  inceptionTime,
  INCEPTION_TIME_KDCTIME,
  INCEPTION_TIME_TRAINING,
  KDCTIME_TRAINING,
  labelSmoothingLoss,
  predictLogits,
  RocketClassifier,
  STUDENT_PRESETS,
  trainClassifier,
  trainStudent,
  type EpochInfo,
  type LabelledSeriesMatrix,
} from '@frx/kdctime';
import { createProgress, lineChartSvg, type ProgressMode } from '@frx/tensor-utils';
import { openTensorBoardWriter, writeChart } from '@frx/tensor-utils/node';

import { renderResultsSvg } from './render-results-svg';

/** Options of {@link runPipeline}. */
export interface PipelineOptions {
  /** UCR dataset name; undefined = generated Cylinder-Bell-Funnel. */
  dataset?: string;
  /** Folder holding `<name>/<name>_TRAIN.tsv` etc. */
  dataDir?: string;
  /** Fetch the dataset into the cache (timeseriesclassification.com) when no `dataDir` is given. */
  download?: boolean;
  /** Teacher epochs. */
  epochs: number;
  /** Student epochs. */
  studentEpochs: number;
  /** Mini-batch size. */
  batchSize: number;
  /** Teacher depth (Keras layout). */
  teacherDepth: number;
  /** Student depth (KDCTime layout). */
  studentDepth: number;
  /** ROCKET kernels. */
  rocketKernels: number;
  /** MiniRocket features. */
  miniRocketFeatures: number;
  /** Seed. */
  seed: number;
  /** Output root; results go to `<outDir>/<dataset>/`. */
  outDir: string;
  /** Progress display. */
  progress: ProgressMode;
}

/** One row of the results table. */
export interface MethodResult {
  method: string;
  accuracy: number;
  trainSeconds: number;
  /** Seconds to classify 1000 series (transform + classify for ROCKET). */
  inferenceSecondsPer1000: number;
  details: string;
}

/** What {@link runPipeline} writes to `results.json`. */
export interface PipelineResults {
  dataset: string;
  source: string;
  backend: string;
  train: number;
  test: number;
  length: number;
  classes: number;
  options: Omit<PipelineOptions, 'progress'>;
  results: MethodResult[];
  /** `svg` is the results chart; `charts` every chart file (results, loss, lr; SVG and PNG). */
  files: { json: string; svg: string; log: string; charts: string[] };
}

interface Splits {
  name: string;
  source: string;
  /** Raw values (ROCKET's protocol). */
  raw: { train: LabelledSeriesMatrix; test: LabelledSeriesMatrix };
  /** Per-series z-normalised values (InceptionTime's reader). */
  normalized: { train: LabelledSeriesMatrix; test: LabelledSeriesMatrix };
}

async function loadSplits(options: PipelineOptions): Promise<Splits> {
  if (options.dataset === undefined) {
    const { train, test } = cylinderBellFunnel({ seed: options.seed });
    return {
      name: 'CBF-generated',
      source: `Cylinder-Bell-Funnel (Saito 1994), generated with seed ${options.seed}`,
      raw: { train, test },
      normalized: { train, test },
    };
  }
  const name = options.dataset;
  let dir = options.dataDir;
  let source = `${dir ?? ''}`;
  if (dir === undefined) {
    const downloaded = await downloadDataset(ucrUeaArchive(name), { offline: options.download !== true });
    dir = downloaded.dir;
    source = `download cache ${dir}`;
  }
  const data = await loadUcrDataset(dir, name);
  const classes = data.classes.length;
  const split = (s: typeof data.train, zNormalize: boolean): LabelledSeriesMatrix => ({
    series: prepareSeries(s, { zNormalize, lengthPolicy: 'pad', missing: 'interpolate' }),
    codes: s.codes,
    classes,
  });
  return {
    name,
    source,
    raw: { train: split(data.train, false), test: split(data.test, false) },
    normalized: { train: split(data.train, true), test: split(data.test, true) },
  };
}

function timeInference(run: () => number, cases: number): { accuracy: number; per1000: number } {
  const start = performance.now();
  const acc = run();
  return { accuracy: acc, per1000: ((performance.now() - start) / 1000 / cases) * 1000 };
}

/**
 * Runs every method on one dataset, prints a table, writes `results.json` and `chart.svg`.
 *
 * @param options - see {@link PipelineOptions}.
 * @param log - where the table and messages go. Default `console.log`.
 * @returns the results (also written to disk).
 */
export async function runPipeline(
  options: PipelineOptions,
  log: (line: string) => void = (line) => console.log(line),
): Promise<PipelineResults> {
  const splits = await loadSplits(options);
  const { train, test } = splits.normalized;
  const [, length, channels] = train.series.shape;
  const classes = train.classes;
  log(
    `dataset ${splits.name}: ${train.codes.length} train / ${test.codes.length} test, length ${length}, ${classes} classes (${splits.source})`,
  );
  const results: MethodResult[] = [];
  const dir = join(options.outDir, splits.name);
  await mkdir(dir, { recursive: true });
  // One line per epoch of every network in log.jsonl, and (on the native backend) the same curves as
  // TensorBoard scalars under <dir>/tensorboard, one run prefix per method.
  const logFile = join(dir, 'log.jsonl');
  await writeFile(logFile, '');
  const board = await openTensorBoardWriter(join(dir, 'tensorboard'));
  // Every network's per-epoch loss and LR, for the loss.{svg,png} and lr.{svg,png} charts.
  const curves = new Map<string, { epoch: number; loss: number; lr: number }[]>();
  const onEpoch = (label: string, total: number) => {
    const curve: { epoch: number; loss: number; lr: number }[] = [];
    curves.set(label, curve);
    const bar = createProgress({ total, label, unit: 'epochs', mode: options.progress });
    const prefix = label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
    // Appends chained one after another, so the epochs land in order.
    let written = Promise.resolve();
    return {
      onEpochEnd: (info: EpochInfo) => {
        bar.tick(1, { loss: info.loss.toFixed(4), lr: info.learningRate.toExponential(1) });
        const { epoch, loss, learningRate: lr, seconds } = info;
        curve.push({ epoch, loss, lr });
        const line = `${JSON.stringify({ method: label, epoch, loss, lr, seconds })}\n`;
        written = written.then(() => appendFile(logFile, line));
        board?.scalars({ loss, lr, seconds }, epoch, prefix);
      },
      finish: async () => {
        bar.finish();
        await written;
        board?.flush();
      },
    };
  };
  const evaluateNetwork = (model: tfl.LayersModel) =>
    timeInference(() => {
      const logits = predictLogits(model, test.series);
      const acc = accuracy(logits, test.codes);
      logits.dispose();
      return acc;
    }, test.codes.length);

  // Teacher: InceptionTime, Keras layout and recipe (plateau schedule, best-training-loss checkpoint).
  const teacher = inceptionTime({
    classes,
    channels,
    length,
    depth: options.teacherDepth,
    seed: options.seed,
  });
  let progress = onEpoch('teacher InceptionTime', options.epochs);
  const teacherHistory = await trainClassifier(teacher, train, {
    ...INCEPTION_TIME_TRAINING,
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed: options.seed,
    onEpochEnd: progress.onEpochEnd,
  });
  await progress.finish();
  const teacherEval = evaluateNetwork(teacher);
  results.push({
    method: 'InceptionTime (teacher)',
    accuracy: teacherEval.accuracy,
    trainSeconds: teacherHistory.seconds,
    inferenceSecondsPer1000: teacherEval.per1000,
    details: `Keras layout depth ${options.teacherDepth}, ${options.epochs} epochs, kept epoch ${teacherHistory.keptEpoch}`,
  });
  // Teacher outputs on the training set, computed once in inference mode.
  const teacherLogits = predictLogits(teacher, train.series);
  teacher.dispose();

  const studentRecipe = {
    ...KDCTIME_TRAINING,
    epochs: options.studentEpochs,
    // StepLR at KDCTime's proportion (72 of 512 epochs ≈ ⌊epochs/7⌋ − 1).
    stepSize: Math.max(1, Math.floor(options.studentEpochs / 7) - 1),
    batchSize: options.batchSize,
    seed: options.seed,
  };
  const students = [
    { method: 'LSTime (student)', preset: null },
    { method: 'KDTime (student)', preset: STUDENT_PRESETS.kdtime },
    { method: 'KDCT (student)', preset: STUDENT_PRESETS.kdct },
    { method: 'KDCR (student)', preset: STUDENT_PRESETS.kdcr },
  ] as const;
  for (const [i, { method, preset }] of students.entries()) {
    const student = inceptionTime({
      ...INCEPTION_TIME_KDCTIME,
      classes,
      channels,
      length,
      depth: options.studentDepth,
      seed: options.seed + 1 + i,
    });
    progress = onEpoch(method, options.studentEpochs);
    const history = preset
      ? await trainStudent(student, train, teacherLogits, {
          ...studentRecipe,
          ...preset,
          onEpochEnd: progress.onEpochEnd,
        })
      : await trainClassifier(student, train, {
          ...studentRecipe,
          loss: labelSmoothingLoss(0.1),
          onEpochEnd: progress.onEpochEnd,
        });
    await progress.finish();
    const evaluation = evaluateNetwork(student);
    student.dispose();
    results.push({
      method,
      accuracy: evaluation.accuracy,
      trainSeconds: history.seconds,
      inferenceSecondsPer1000: evaluation.per1000,
      details: `KDCTime layout depth ${options.studentDepth}, ${options.studentEpochs} epochs${
        preset ? `, ${preset.calibration} calibration, alpha ${preset.alpha}` : ', label smoothing 0.1'
      }`,
    });
  }
  teacherLogits.dispose();

  if (channels === 1) {
    for (const transform of ['rocket', 'minirocket'] as const) {
      const { train: rawTrain, test: rawTest } = splits.raw;
      log(`${transform}: fitting…`);
      const start = performance.now();
      const classifier = new RocketClassifier({
        transform,
        seed: options.seed,
        ...(transform === 'rocket'
          ? { numKernels: options.rocketKernels }
          : { numFeatures: options.miniRocketFeatures }),
      }).fit(rawTrain.series, rawTrain.codes, classes);
      const trainSeconds = (performance.now() - start) / 1000;
      const evaluation = timeInference(() => {
        const predicted = classifier.predict(rawTest.series);
        return predicted.reduce((n, p, i) => n + (p === rawTest.codes[i] ? 1 : 0), 0) / predicted.length;
      }, rawTest.codes.length);
      results.push({
        method: transform === 'rocket' ? 'ROCKET' : 'MiniRocket',
        accuracy: evaluation.accuracy,
        trainSeconds,
        inferenceSecondsPer1000: evaluation.per1000,
        details:
          (transform === 'rocket'
            ? `${options.rocketKernels} kernels`
            : `${options.miniRocketFeatures} features`) +
          `, ridge alpha ${classifier.classifier.fitSummary.alpha.toPrecision(3)}`,
      });
    }
  } else {
    log('ROCKET / MiniRocket skipped: only univariate series are supported');
  }

  log('');
  log(`| method | accuracy | train s | inference s / 1000 series |`);
  log(`|---|---|---|---|`);
  for (const r of results) {
    log(
      `| ${r.method} | ${r.accuracy.toFixed(4)} | ${r.trainSeconds.toFixed(1)} | ${r.inferenceSecondsPer1000.toFixed(3)} |`,
    );
  }
  const files = {
    json: join(dir, 'results.json'),
    svg: join(dir, 'chart.svg'),
    log: logFile,
    charts: [] as string[],
  };
  const { progress: _progress, ...recorded } = options;
  const output: PipelineResults = {
    dataset: splits.name,
    source: splits.source,
    backend: tf.getBackend(),
    train: train.codes.length,
    test: test.codes.length,
    length,
    classes,
    options: recorded,
    results,
    files,
  };
  const series = (key: 'loss' | 'lr') =>
    [...curves].map(([name, c]) => ({ name, points: c.map((e) => [e.epoch, e[key]] as const) }));
  const charts = [
    await writeChart(files.svg, renderResultsSvg(splits.name, results)),
    await writeChart(
      join(dir, 'loss.svg'),
      lineChartSvg(series('loss'), {
        title: `${splits.name}: training loss per epoch`,
        xLabel: 'epoch',
        yLabel: 'loss',
        logY: true,
        width: 860,
      }),
    ),
    await writeChart(
      join(dir, 'lr.svg'),
      lineChartSvg(series('lr'), {
        title: `${splits.name}: learning rate`,
        xLabel: 'epoch',
        yLabel: 'lr',
        logY: true,
        width: 860,
      }),
    ),
  ];
  files.charts = charts.flatMap((c) => [c.svg, c.png]);
  await writeFile(files.json, `${JSON.stringify(output, null, 2)}\n`);
  log(
    `\nwrote ${files.json}, ${files.charts.length} chart files (SVG and PNG) and ${files.log}${board ? ` (TensorBoard: ${board.logdir})` : ''}`,
  );
  return output;
}
