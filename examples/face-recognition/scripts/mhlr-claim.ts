// The MHLR claim at small scale: "MHLR with 1/4 of the epochs is within 1 point of the full polynomial
// schedule" (arXiv 2404.11118). Four schedules × seeds on ORL (30 training identities, 10 held out), one
// JSON line per run and per mean on stdout; results.json and SVG curves under runs/mhlr-claim/.
//
//   pnpm --filter @frx/example-face-recognition mhlr-claim -- [--data <orl>] [--epochs 12] [--seeds 0,1,2]
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { lineChartSvg, smooth } from '@frx/tensor-utils';
import { writeChart } from '@frx/tensor-utils/node';
import { facePreset, trainFaceRecognition, type FaceConfig, type StepRecord } from '../src/index';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  strict: true,
  options: {
    data: {
      type: 'string',
      default: fileURLToPath(new URL('../../../../shared/data/faces/orl', import.meta.url)),
    },
    epochs: { type: 'string', default: '12' },
    seeds: { type: 'string', default: '0,1,2' },
    preset: { type: 'string', default: 'orl-tiny' },
    out: { type: 'string', default: 'runs/mhlr-claim' },
  },
});
if (!existsSync(values.data)) {
  process.stderr.write(
    `ORL faces not found at ${values.data}: download the AT&T database of faces (folders s1..s40) and pass --data\n`,
  );
  process.exit(1);
}
const epochs = Number(values.epochs);
const seeds = values.seeds.split(',').map(Number);

interface Arm {
  name: string;
  scheduler: FaceConfig['scheduler'];
  epochs: number;
}
const arms: Arm[] = [
  { name: 'a-poly-full', scheduler: 'poly', epochs },
  { name: 'b-mhlr-quarter', scheduler: 'mhlr', epochs: epochs / 4 },
  { name: 'c-fastface-quarter', scheduler: 'fastface', epochs: epochs / 4 },
  { name: 'd-poly-quarter', scheduler: 'poly', epochs: epochs / 4 },
];

interface RunResult {
  arm: string;
  seed: number;
  epochs: number;
  steps: number;
  accuracy: number;
  std: number;
  trainSeconds: number;
  finalLoss: number;
  finalLr: number;
  curve: StepRecord[];
}

const results: RunResult[] = [];
await mkdir(values.out, { recursive: true });
for (const seed of seeds) {
  for (const arm of arms) {
    const config: FaceConfig = {
      ...facePreset(values.preset),
      data: values.data,
      verification: { kind: 'held-out', identities: 10, pairsPerFold: 20 },
      scheduler: arm.scheduler,
      epochs: arm.epochs,
      seed,
      out: join(values.out, `${arm.name}-seed${seed}`),
      checkpointEvery: 0,
      keepCheckpoints: 1,
      evalEvery: 0,
      progress: 'silent',
    };
    const result = await trainFaceRecognition(config);
    const last = result.steps.at(-1)!;
    const run: RunResult = {
      arm: arm.name,
      seed,
      epochs: arm.epochs,
      steps: result.finalStep,
      accuracy: result.finalReport!.accuracy,
      std: result.finalReport!.std,
      trainSeconds: result.trainSeconds,
      finalLoss: smooth(
        result.steps.map((r) => [r.step, r.loss] as const),
        10,
      ).at(-1)![1],
      finalLr: last.lr,
      curve: result.steps,
    };
    results.push(run);
    const { curve: _curve, ...line } = run;
    process.stdout.write(JSON.stringify({ figure: 'run', ...line }) + '\n');
  }
}

const means = arms.map((arm) => {
  const runs = results.filter((r) => r.arm === arm.name);
  const mean = (f: (r: RunResult) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  return {
    figure: 'mean',
    arm: arm.name,
    epochs: arm.epochs,
    runs: runs.length,
    accuracy: mean((r) => r.accuracy),
    accuracyStdOverSeeds: Math.sqrt(mean((r) => (r.accuracy - mean((q) => q.accuracy)) ** 2)),
    trainSeconds: mean((r) => r.trainSeconds),
    finalLoss: mean((r) => r.finalLoss),
  };
});
for (const m of means) process.stdout.write(JSON.stringify(m) + '\n');

await writeFile(
  join(values.out, 'results.json'),
  JSON.stringify({ epochs, seeds, preset: values.preset, means, runs: results }, null, 1),
);
const firstSeed = results.filter((r) => r.seed === seeds[0]);
await writeChart(
  join(values.out, 'loss.svg'),
  lineChartSvg(
    firstSeed.map((r) => ({
      name: r.arm,
      points: smooth(
        r.curve.map((s) => [s.step, s.loss] as const),
        10,
      ),
    })),
    { title: `training loss (mean of 10 steps), seed ${seeds[0]}`, xLabel: 'step', yLabel: 'loss' },
  ),
);
await writeChart(
  join(values.out, 'lr.svg'),
  lineChartSvg(
    firstSeed.map((r) => ({ name: r.arm, points: r.curve.map((s) => [s.step, s.lr] as const) })),
    { title: `learning rate, seed ${seeds[0]}`, xLabel: 'step', yLabel: 'lr', logY: true },
  ),
);
process.stdout.write(
  JSON.stringify({
    figure: 'files',
    out: values.out,
    files: ['results.json', 'loss.svg', 'loss.png', 'lr.svg', 'lr.png'],
  }) + '\n',
);
