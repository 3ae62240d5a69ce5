/**
 * InceptionTime training epoch on generated Cylinder-Bell-Funnel: the native `tensorflow` backend and wasm against
 * PyTorch 2.13 CPU (1 and 2 threads), same network, batch, optimiser and series length. One JSON line per figure.
 *
 *   pnpm bench:pytorch [-- --epochs 5 --train 30]      (tsx bench/train-vs-pytorch.ts)
 *
 * Environment: BENCH_BACKENDS=tensorflow,wasm (the default; a backend that cannot start is reported and skipped),
 * BENCH_REPEATS=n timed repeats of `--epochs` epochs (default 3; the figure is the median of the repeats' means),
 * BENCH_PYTHON the Python with torch (default: the venv of packages/resnet/scripts/make-bench-venv.sh, created
 * when missing).
 *
 * Network: `inceptionTime({ classes: 3, length: 128 })`, the Keras layout of hfawaz/InceptionTime (depth 6, filters
 * 32, bottleneck 32, kernels 40/20/10, residual every third module); its twin is scripts/pytorch_inception_bench.py,
 * and both parameter counts are printed and compared. Training: `trainClassifier` at its default batch (64) with
 * Adam lr 1e-3, ε 1e-7, on the speed bench's CBF (30 train series, length 128: one batch of 30 per epoch);
 * `checkpoint: 'last'`, `schedule: 'constant'` and `batchNormStatistics: 'moving'` so that an epoch is the
 * training steps alone, as in the PyTorch twin (the best-loss weight copy and the batch-norm pass are not timed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { initBackend } from '@frx/tensor-utils';

import { cylinderBellFunnel, inceptionTime, trainClassifier } from '../src/index';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm bench:pytorch -- --flag` forwards the separator
const { values: args, positionals } = parseArgs({
  args: argv,
  allowPositionals: true,
  options: {
    epochs: { type: 'string', default: '5' },
    train: { type: 'string', default: '30' },
  },
});

const backends = (process.env['BENCH_BACKENDS'] ?? 'tensorflow,wasm').split(',').map((b) => b.trim());
const repeats = Number(process.env['BENCH_REPEATS'] ?? 3);
const script = fileURLToPath(new URL('../scripts/pytorch_inception_bench.py', import.meta.url));
const makeVenv = fileURLToPath(new URL('../../resnet/scripts/make-bench-venv.sh', import.meta.url));

interface BenchConfig {
  name: string;
  trainSize: number;
  length: number;
  classes: number;
  /** trainClassifier's default batch size. */
  batchSize: number;
  /** Timed epochs per repeat. */
  epochs: number;
  backend?: 'tensorflow' | 'wasm';
}

interface Measured {
  secondsPerEpoch: number;
  seriesPerSecond: number;
  trainableParams: number;
  nonTrainableParams: number;
}

const config: BenchConfig = {
  name: 'inception-time-keras-d6-cbf',
  trainSize: Number(args.train),
  length: 128,
  classes: 3,
  batchSize: 64,
  epochs: Number(args.epochs),
};

const emit = (figure: Record<string, unknown>) =>
  console.log(JSON.stringify({ ...figure, loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) }));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const weightCount = (weights: { shape: readonly (number | null)[] }[]) =>
  weights.reduce((sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);

/** BENCH_PYTHON, else the bench venv (made by make-bench-venv.sh when missing); a string reason when unusable. */
function resolvePython(): { python: string } | { skipped: string } {
  let python = process.env['BENCH_PYTHON'];
  if (!python) {
    // The same place as make-bench-venv.sh: ${FRX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/frx}/bench-venv.
    const cache =
      process.env['FRX_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'frx');
    python = join(cache, 'bench-venv', 'bin', 'python');
    if (!existsSync(python)) {
      try {
        python = execFileSync('bash', [makeVenv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
          .trim()
          .split('\n')
          .pop()!;
      } catch {
        return { skipped: `no PyTorch venv and ${makeVenv} failed (set BENCH_PYTHON)` };
      }
    }
  }
  if (!existsSync(python)) return { skipped: `${python} not found` };
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'pipe' });
    return { python };
  } catch {
    return { skipped: `torch is not importable by ${python} (run ${makeVenv}, or set BENCH_PYTHON)` };
  }
}

async function runConfig(c: BenchConfig): Promise<void> {
  const backend = c.backend ?? 'wasm';
  await initBackend({ backend });
  const { train } = cylinderBellFunnel({ seed: 1, trainSize: c.trainSize, length: c.length });
  const model = inceptionTime({ classes: c.classes, length: c.length, seed: 1 });
  const seconds: number[] = [];
  // One call, so one Adam state: the first epoch is the warm-up (kernel set-up, optimiser slots).
  await trainClassifier(model, train, {
    epochs: 1 + repeats * c.epochs,
    batchSize: c.batchSize,
    schedule: 'constant',
    checkpoint: 'last',
    batchNormStatistics: 'moving',
    onEpochEnd: (info) => {
      seconds.push(info.seconds);
    },
  });
  const means = Array.from({ length: repeats }, (_, r) => {
    const block = seconds.slice(1 + r * c.epochs, 1 + (r + 1) * c.epochs);
    return block.reduce((a, b) => a + b, 0) / block.length;
  });
  const secondsPerEpoch = median(means);
  emit({
    config: c.name,
    backend,
    phase: 'train-epoch',
    secondsPerEpoch,
    seriesPerSecond: c.trainSize / secondsPerEpoch,
    trainSize: c.trainSize,
    length: c.length,
    batchSize: c.batchSize,
    stepsPerEpoch: Math.ceil(c.trainSize / c.batchSize),
    epochs: c.epochs,
    repeats,
    trainableParams: weightCount(model.trainableWeights),
    nonTrainableParams: weightCount(model.nonTrainableWeights),
  });
  model.dispose();
}

function pytorch(python: string, c: BenchConfig, threads: number): Measured {
  const out = execFileSync(
    python,
    [
      script,
      ...['--train', `${c.trainSize}`, '--length', `${c.length}`, '--classes', `${c.classes}`],
      ...['--batch', `${c.batchSize}`, '--epochs', `${c.epochs}`, '--repeats', `${repeats}`],
      ...['--threads', `${threads}`],
    ],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: `${threads}` } },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Measured;
}

/** Each backend runs in its own process: one process holds one backend, and a wasm abort kills only its child. */
function orchestrate(): void {
  const self = fileURLToPath(import.meta.url);
  const measured = new Map<string, Measured>();
  for (const backend of backends as ('tensorflow' | 'wasm')[]) {
    try {
      const out = execFileSync(
        process.execPath,
        [...process.execArgv, self, JSON.stringify({ ...config, backend })],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          encoding: 'utf8',
          env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '2' },
        },
      );
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        console.log(line);
        const figure = JSON.parse(line) as Measured & { phase?: string };
        if (figure.phase === 'train-epoch') measured.set(backend, figure);
      }
    } catch (error) {
      const raw = (error as { stderr?: Buffer | string }).stderr;
      const stderr = raw == null ? '' : raw.toString();
      const reason =
        /BackendUnavailableError: [^\n]*/.exec(stderr)?.[0] ??
        /RuntimeError: [^\n]*/.exec(stderr)?.[0] ??
        /Error: [^\n]*/.exec(stderr)?.[0] ??
        'child process failed';
      emit({ config: config.name, backend, error: reason.slice(0, 300) });
    }
  }
  const native = measured.get('tensorflow');
  const wasm = measured.get('wasm');
  if (native && wasm) {
    emit({
      config: config.name,
      ratio: 'tensorflow / wasm',
      trainEpoch: native.seriesPerSecond / wasm.seriesPerSecond,
      target: 5,
    });
  }
  const torch = resolvePython();
  if ('skipped' in torch) {
    emit({ config: config.name, backend: 'pytorch-cpu', skipped: torch.skipped });
    return;
  }
  let checked = false;
  for (const threads of [1, 2]) {
    const t = pytorch(torch.python, config, threads);
    emit({
      config: config.name,
      backend: 'pytorch-cpu',
      threads,
      phase: 'train-epoch',
      secondsPerEpoch: t.secondsPerEpoch,
      seriesPerSecond: t.seriesPerSecond,
      trainSize: config.trainSize,
      batchSize: config.batchSize,
      epochs: config.epochs,
      repeats,
      trainableParams: t.trainableParams,
      nonTrainableParams: t.nonTrainableParams,
    });
    const reference = measured.values().next().value;
    if (!checked && reference) {
      checked = true;
      emit({
        config: config.name,
        check: 'parameter count tfjs vs pytorch',
        trainable: { tfjs: reference.trainableParams, pytorch: t.trainableParams },
        nonTrainable: { tfjs: reference.nonTrainableParams, pytorch: t.nonTrainableParams },
        equal:
          reference.trainableParams === t.trainableParams &&
          reference.nonTrainableParams === t.nonTrainableParams,
      });
    }
    for (const [backend, m] of measured) {
      emit({
        config: config.name,
        ratio: `${backend} / pytorch-cpu (${threads} thread${threads > 1 ? 's' : ''})`,
        trainEpoch: m.seriesPerSecond / t.seriesPerSecond,
        target: backend === 'tensorflow' && threads === 2 ? 1 : undefined,
      });
    }
  }
}

const arg = positionals[0];
if (arg) await runConfig(JSON.parse(arg) as BenchConfig);
else orchestrate();
