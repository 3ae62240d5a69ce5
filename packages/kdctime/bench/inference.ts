// Inference time per series of the KDCTime student (InceptionTime, KDCTime layout depth 3), the InceptionTime
// teacher (Keras layout depth 6), ROCKET (10,000 kernels) and MiniRocket (~10,000 features) with their ridge
// classifiers, on generated Cylinder-Bell-Funnel (length 128): in one batch of `--test` series, and one series at
// a time (`--single` calls), with the ROCKET / student and MiniRocket / student ratios. One JSON line per figure.
// Weights do not change inference cost, so the networks are not trained here (predictions are not scored).
//
//   pnpm --filter @frx/kdctime bench:inference -- --backend tensorflow [--test 900] [--single 100] [--reps 3]
//
// Wall-clock medians of `--reps` repetitions after a warm-up; CPU seconds (all threads) are given too, since the
// machine has 2 cores shared with other work (loadAverage is printed with each figure).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { initBackend, type BackendChoice } from '@frx/tensor-utils';

import {
  cylinderBellFunnel,
  inceptionTime,
  INCEPTION_TIME_KDCTIME,
  predictLogits,
  RocketClassifier,
  type SeriesMatrix,
} from '../src/index';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm bench -- --flag` forwards the separator
const { values: args } = parseArgs({
  args: argv,
  options: {
    backend: { type: 'string', default: 'tensorflow' },
    test: { type: 'string', default: '900' },
    single: { type: 'string', default: '100' },
    reps: { type: 'string', default: '3' },
  },
});
const backend = await initBackend({ backend: args.backend as BackendChoice });
const length = 128;
const { train, test } = cylinderBellFunnel({ seed: 1, testSize: Number(args.test) });
const cases = test.codes.length;
const singles = Math.min(Number(args.single), cases);
const one = (i: number): SeriesMatrix => ({
  values: Float32Array.from({ length }, (_, t) => test.series.values[i * length + t]!),
  shape: [1, length, 1],
});

function emit(record: Record<string, unknown>): void {
  process.stdout.write(
    `${JSON.stringify({ ...record, backend, loadAverage: Number(loadavg()[0]!.toFixed(2)) })}\n`,
  );
}

/** Median over repetitions of [wall, cpu] seconds per series. */
function perSeries(run: () => void, count: number): { wall: number; cpu: number } {
  run(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < Number(args.reps); r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000 / count);
    cpu.push((c.user + c.system) / 1e6 / count);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return { wall: median(wall), cpu: median(cpu) };
}

const methods: Record<string, { batch: () => void; single: () => void }> = {};
const student = inceptionTime({ ...INCEPTION_TIME_KDCTIME, classes: 3, length, seed: 2 });
const teacher = inceptionTime({ classes: 3, length, seed: 1 });
for (const [name, model] of [
  ['kdctime-student (depth 3)', student],
  ['inception-time teacher (depth 6)', teacher],
] as const) {
  methods[name] = {
    batch: () => predictLogits(model, test.series).dispose(),
    single: () => {
      for (let i = 0; i < singles; i++) predictLogits(model, one(i)).dispose();
    },
  };
}
for (const transform of ['rocket', 'minirocket'] as const) {
  const classifier = new RocketClassifier({ transform, seed: 1 }).fit(train.series, train.codes, 3);
  methods[transform] = {
    batch: () => void classifier.predict(test.series),
    single: () => {
      for (let i = 0; i < singles; i++) classifier.predict(one(i));
    },
  };
}

const results: Record<string, Record<'batch' | 'single', { wall: number; cpu: number }>> = {};
for (const [name, m] of Object.entries(methods)) {
  results[name] = { batch: perSeries(m.batch, cases), single: perSeries(m.single, singles) };
  for (const mode of ['batch', 'single'] as const) {
    const r = results[name][mode];
    emit({
      figure: `inference ms per series (${mode === 'batch' ? `one batch of ${cases}` : 'one series per call'})`,
      method: name,
      wallMs: Number((r.wall * 1000).toFixed(4)),
      cpuMs: Number((r.cpu * 1000).toFixed(4)),
      series: mode === 'batch' ? cases : singles,
      length,
    });
  }
}
const studentName = 'kdctime-student (depth 3)';
for (const other of ['rocket', 'minirocket']) {
  for (const mode of ['batch', 'single'] as const) {
    emit({
      figure: `inference time ratio ${other} / kdctime-student (${mode})`,
      wall: Number((results[other]![mode].wall / results[studentName]![mode].wall).toFixed(2)),
      cpu: Number((results[other]![mode].cpu / results[studentName]![mode].cpu).toFixed(2)),
    });
  }
}
student.dispose();
teacher.dispose();
