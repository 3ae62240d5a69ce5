// pnpm --filter @frx/example-time-series start -- [--dataset GunPoint --data-dir ../shared/data/ucr2018 | --download]
// With no arguments: generated Cylinder-Bell-Funnel (seeded), about a minute and a half on the native backend.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { backendSelection, initBackend, type BackendChoice, type ProgressMode } from '@frx/tensor-utils';

import { runPipeline } from './pipeline';

const HELP = `Usage: pnpm --filter @frx/example-time-series start -- [options]

  --dataset <name>          UCR dataset (default: generated Cylinder-Bell-Funnel, 30 train / 900 test)
  --data-dir <dir>          folder with <name>/<name>_TRAIN.tsv (UCR 2018) or .ts files
  --download                fetch <name> from timeseriesclassification.com into the cache (else cache only)
  --epochs <n>              teacher epochs (default 30; the paper uses 1500)
  --student-epochs <n>      student epochs (default 30; KDCTime uses 512)
  --batch-size <n>          mini-batch size (default 16)
  --teacher-depth <n>       teacher Inception modules (default 6)
  --student-depth <n>       student Inception modules (default 3)
  --rocket-kernels <n>      ROCKET kernels (default 10000)
  --minirocket-features <n> MiniRocket features (default 10000)
  --seed <n>                seed (default 1)
  --out <dir>               output root (default <repo>/runs/time-series)
  --backend <name>          auto | tensorflow | wasm | cpu (default auto: native TensorFlow when it loads,
                            else wasm; the backend used is printed)
  --progress <mode>         auto | bar | lines | silent (default auto)
`;

// `pnpm start -- --flag` forwards the `--` separator itself.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();

const { values } = parseArgs({
  args: argv,
  options: {
    dataset: { type: 'string' },
    'data-dir': { type: 'string' },
    download: { type: 'boolean', default: false },
    epochs: { type: 'string', default: '30' },
    'student-epochs': { type: 'string', default: '30' },
    'batch-size': { type: 'string', default: '16' },
    'teacher-depth': { type: 'string', default: '6' },
    'student-depth': { type: 'string', default: '3' },
    'rocket-kernels': { type: 'string', default: '10000' },
    'minirocket-features': { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: fileURLToPath(new URL('../../../runs/time-series', import.meta.url)) },
    backend: { type: 'string', default: 'auto' },
    progress: { type: 'string', default: 'auto' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const backend = await initBackend({ backend: values.backend as BackendChoice });
  console.log(`backend: ${backend} (${backendSelection()?.reason ?? ''})`);
  await runPipeline({
    ...(values.dataset !== undefined ? { dataset: values.dataset } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    download: values.download,
    epochs: integer('epochs', values.epochs),
    studentEpochs: integer('student-epochs', values['student-epochs']),
    batchSize: integer('batch-size', values['batch-size']),
    teacherDepth: integer('teacher-depth', values['teacher-depth']),
    studentDepth: integer('student-depth', values['student-depth']),
    rocketKernels: integer('rocket-kernels', values['rocket-kernels']),
    miniRocketFeatures: integer('minirocket-features', values['minirocket-features']),
    seed: integer('seed', values.seed),
    outDir: values.out,
    progress: values.progress as ProgressMode,
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
