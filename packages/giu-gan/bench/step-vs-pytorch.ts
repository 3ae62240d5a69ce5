/**
 * GAN training step at 32×32, width 32, batch 64 (GIU-GAN and the SAGAN-style baseline): the native `tensorflow`
 * backend and wasm against PyTorch 2.13 CPU (1 and 2 threads), same networks, losses and optimisers. One JSON line
 * per figure.
 *
 *   pnpm bench:pytorch [-- --steps 3 --width 32 --batch 64]      (tsx bench/step-vs-pytorch.ts)
 *
 * Environment: BENCH_BACKENDS=tensorflow,wasm (the default; a backend that cannot start is reported and skipped),
 * BENCH_REPEATS=n timed repeats of `--steps` steps (default 3; the figure is the median of the repeats' means),
 * BENCH_PYTHON the Python with torch (default: the venv of packages/resnet/scripts/make-bench-venv.sh, created
 * when missing).
 *
 * A step is `GanTrainer.trainStep` with its defaults (hinge loss, one D and one G update, SAGAN Adam, EMA of G) on
 * `createGan({ resolution: 32, variant, width, seed: 1 })`; the twin is scripts/pytorch_gan_bench.py, and both
 * sides' parameter counts are printed and compared.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';

import { createGan, GanTrainer } from '../src/index';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm bench:pytorch -- --flag` forwards the separator
const { values: args, positionals } = parseArgs({
  args: argv,
  allowPositionals: true,
  options: {
    steps: { type: 'string', default: '3' },
    width: { type: 'string', default: '32' },
    batch: { type: 'string', default: '64' },
  },
});

const backends = (process.env['BENCH_BACKENDS'] ?? 'tensorflow,wasm').split(',').map((b) => b.trim());
const repeats = Number(process.env['BENCH_REPEATS'] ?? 3);
const script = fileURLToPath(new URL('../scripts/pytorch_gan_bench.py', import.meta.url));
const makeVenv = fileURLToPath(new URL('../../resnet/scripts/make-bench-venv.sh', import.meta.url));

interface BenchConfig {
  name: string;
  variant: 'giu' | 'baseline';
  width: number;
  batch: number;
  /** Timed steps per repeat. */
  steps: number;
  backend?: 'tensorflow' | 'wasm';
}

interface ParamCounts {
  trainable: number;
  nonTrainable: number;
}

interface Measured {
  secondsPerStep: number;
  generatorParams: ParamCounts;
  discriminatorParams: ParamCounts & { spectralNormV?: number };
}

const width = Number(args.width);
const batch = Number(args.batch);
const configs: BenchConfig[] = (['giu', 'baseline'] as const).map((variant) => ({
  name: `gan32-${variant}-w${width}-b${batch}`,
  variant,
  width,
  batch,
  steps: Number(args.steps),
}));

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
  const { generator, discriminator } = createGan({
    resolution: 32,
    variant: c.variant,
    width: c.width,
    seed: 1,
  });
  const trainer = new GanTrainer({ generator, discriminator, seed: 1 });
  const real = tf.randomUniform<tf.Rank.R4>([c.batch, 32, 32, 3], -1, 1, 'float32', 1);
  await trainer.trainStep(real); // warm-up: kernel set-up, optimiser slots
  const before = tf.memory().numTensors;
  const means: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    for (let i = 0; i < c.steps; i++) await trainer.trainStep(real);
    means.push((performance.now() - start) / c.steps / 1000);
  }
  const secondsPerStep = median(means);
  emit({
    config: c.name,
    backend,
    phase: 'train-step',
    secondsPerStep,
    imagesPerSecond: c.batch / secondsPerStep,
    variant: c.variant,
    width: c.width,
    batch: c.batch,
    steps: c.steps,
    repeats,
    generatorParams: {
      trainable: weightCount(generator.trainableWeights),
      nonTrainable: weightCount(generator.nonTrainableWeights),
    },
    discriminatorParams: {
      trainable: weightCount(discriminator.trainableWeights),
      nonTrainable: weightCount(discriminator.nonTrainableWeights),
    },
    tensorsLeaked: tf.memory().numTensors - before,
  });
  real.dispose();
  trainer.dispose();
  generator.dispose();
  discriminator.dispose();
}

function pytorch(python: string, c: BenchConfig, threads: number): Measured {
  const out = execFileSync(
    python,
    [
      script,
      ...['--variant', c.variant, '--width', `${c.width}`, '--batch', `${c.batch}`],
      ...['--steps', `${c.steps}`, '--repeats', `${repeats}`, '--threads', `${threads}`],
    ],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: `${threads}` } },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Measured;
}

function runChild(c: BenchConfig): Measured | null {
  const self = fileURLToPath(import.meta.url);
  try {
    const out = execFileSync(process.execPath, [...process.execArgv, self, JSON.stringify(c)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '2' },
    });
    let measured: Measured | null = null;
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      console.log(line);
      const figure = JSON.parse(line) as Measured & { phase?: string };
      if (figure.phase === 'train-step') measured = figure;
    }
    return measured;
  } catch (error) {
    const raw = (error as { stderr?: Buffer | string }).stderr;
    const stderr = raw == null ? '' : raw.toString();
    const reason =
      /BackendUnavailableError: [^\n]*/.exec(stderr)?.[0] ??
      /RuntimeError: [^\n]*/.exec(stderr)?.[0] ??
      /Error: [^\n]*/.exec(stderr)?.[0] ??
      'child process failed';
    emit({ config: c.name, backend: c.backend, error: reason.slice(0, 300) });
    return null;
  }
}

/** Each configuration and backend runs in its own process: one process holds one backend, a wasm abort kills only it. */
function orchestrate(): void {
  const torch = resolvePython();
  for (const config of configs) {
    const measured = new Map<string, Measured>();
    for (const backend of backends as ('tensorflow' | 'wasm')[]) {
      const m = runChild({ ...config, backend });
      if (m) measured.set(backend, m);
    }
    const native = measured.get('tensorflow');
    const wasm = measured.get('wasm');
    if (native && wasm) {
      emit({
        config: config.name,
        ratio: 'tensorflow / wasm',
        trainStep: wasm.secondsPerStep / native.secondsPerStep,
        target: 5,
      });
    }
    if ('skipped' in torch) {
      emit({ config: config.name, backend: 'pytorch-cpu', skipped: torch.skipped });
      continue;
    }
    const reference = measured.values().next().value;
    for (const threads of [1, 2]) {
      const t = pytorch(torch.python, config, threads);
      emit({
        config: config.name,
        backend: 'pytorch-cpu',
        threads,
        phase: 'train-step',
        secondsPerStep: t.secondsPerStep,
        imagesPerSecond: config.batch / t.secondsPerStep,
        variant: config.variant,
        width: config.width,
        batch: config.batch,
        steps: config.steps,
        repeats,
        generatorParams: t.generatorParams,
        discriminatorParams: t.discriminatorParams,
      });
      if (threads === 1 && reference) {
        const same = (a: ParamCounts, b: ParamCounts) =>
          a.trainable === b.trainable && a.nonTrainable === b.nonTrainable;
        emit({
          config: config.name,
          check: 'parameter count tfjs vs pytorch',
          generator: { tfjs: reference.generatorParams, pytorch: t.generatorParams },
          discriminator: { tfjs: reference.discriminatorParams, pytorch: t.discriminatorParams },
          // PyTorch's spectral_norm also stores v ([in·kh·kw] per layer, `spectralNormV`); tfjs recomputes it from u.
          equal:
            same(reference.generatorParams, t.generatorParams) &&
            same(reference.discriminatorParams, t.discriminatorParams),
        });
      }
      for (const [backend, m] of measured) {
        emit({
          config: config.name,
          ratio: `${backend} / pytorch-cpu (${threads} thread${threads > 1 ? 's' : ''})`,
          trainStep: t.secondsPerStep / m.secondsPerStep,
          target: backend === 'tensorflow' && threads === 2 ? 1 : undefined,
        });
      }
    }
  }
}

const arg = positionals[0];
if (arg) await runConfig(JSON.parse(arg) as BenchConfig);
else orchestrate();
