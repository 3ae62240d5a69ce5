/**
 * IResNet-18 and IResNet-50 throughput on the native `tensorflow` backend and on wasm, against PyTorch CPU, same shapes.
 * Prints one JSON line per figure. Run: `pnpm bench` (in packages/resnet); BENCH_BACKENDS=tensorflow,wasm
 * (the default; a backend that cannot start is reported and skipped), BENCH_REPEATS=n to change the timed
 * repeats (default 3), BENCH_PROFILE=0 to skip the per-kernel profile of each step, BENCH_PYTHON to
 * choose the Python with torch (default /usr/bin/python3; e.g. a venv with torch==2.13.0+cpu).
 *
 * Figures: forward images/s (inference mode), training-step images/s (training mode forward,
 * backward of sum(embedding · probe), SGD update), for 112×112 width 1 batch 16 and 64×64 width 0.5
 * batch 32, and IResNet-50 at 112×112 batch 8; PyTorch's numbers from scripts/pytorch-bench.py with 1 thread (wasm in Node is
 * single-threaded) and with 2; each backend / PyTorch ratio; and the share of each backend's step per kernel.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';

import { iresnet, iresnetStats } from '../src/index';

const PYTHON = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';
const backends = (process.env['BENCH_BACKENDS'] ?? 'tensorflow,wasm').split(',').map((b) => b.trim());
const script = fileURLToPath(new URL('../scripts/pytorch-bench.py', import.meta.url));
const repeats = Number(process.env['BENCH_REPEATS'] ?? 3);
const profile = process.env['BENCH_PROFILE'] !== '0';

interface BenchConfig {
  name: string;
  size: number;
  width: number;
  batch: number;
  /** IResNet depth. Default 18. */
  depth?: 18 | 50;
  backend?: 'tensorflow' | 'wasm';
}

const configs: BenchConfig[] = [
  { name: 'iresnet18-64-w0.5-b32', size: 64, width: 0.5, batch: 32 },
  { name: 'iresnet18-112-w1-b16', size: 112, width: 1, batch: 16 },
  { name: 'iresnet50-112-w1-b8', size: 112, width: 1, batch: 8, depth: 50 },
];
// Run when a configuration's process dies (e.g. the wasm heap is exhausted), to still give a figure.
const fallbacks: Record<string, BenchConfig> = {
  'iresnet18-112-w1-b16': { name: 'iresnet18-112-w1-b8', size: 112, width: 1, batch: 8 },
};

/** Readable names for the profile's scope records (a customGrad runs as a kernel named by its scope). */
const KERNEL_LABELS: Record<string, string> = {
  TorchBatchNorm: 'TorchBatchNorm forward (customGrad)',
  fusedConv2d__op: 'FusedConv2D (forward conv)',
};

const emit = (figure: Record<string, unknown>) => console.log(JSON.stringify(figure));

function timeIt(fn: () => void): number {
  fn(); // warm-up (kernel set-up, optimizer state)
  const start = performance.now();
  for (let i = 0; i < repeats; i++) fn();
  return (performance.now() - start) / repeats / 1000;
}

function torchAvailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe' });
    return null;
  } catch {
    return `torch is not importable by ${PYTHON} (install Debian python3-torch, or set BENCH_PYTHON)`;
  }
}

function pytorch(
  config: BenchConfig,
  threads: number,
): { forwardImagesPerSecond: number; trainImagesPerSecond: number } {
  const out = execFileSync(
    PYTHON,
    [
      script,
      '--depth',
      `${config.depth ?? 18}`,
      '--size',
      `${config.size}`,
      '--width',
      `${config.width}`,
      '--batch',
      `${config.batch}`,
      '--threads',
      `${threads}`,
      '--repeats',
      `${repeats}`,
    ],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: `${threads}` } },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as {
    forwardImagesPerSecond: number;
    trainImagesPerSecond: number;
  };
}

async function runConfig(config: BenchConfig): Promise<void> {
  const backend = config.backend ?? 'wasm';
  await initBackend({ backend });
  {
    const depth = config.depth ?? 18;
    const model = iresnet({ depth, inputSize: config.size, widthMultiplier: config.width, seed: 1 });
    const { multiplyAccumulates } = iresnetStats({
      depth,
      inputSize: config.size,
      widthMultiplier: config.width,
    });
    const x = tf.randomNormal([config.batch, config.size, config.size, 3]);
    const probe = tf.randomNormal([config.batch, 512]);
    const optimizer = tf.train.sgd(0.01);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const forward = () => {
      tf.tidy(() => {
        (model.predict(x, { batchSize: config.batch }) as tf.Tensor).dataSync();
      });
    };
    const trainStep = () => {
      const cost = optimizer.minimize(
        () => tf.sum<tf.Scalar>(tf.mul(model.apply(x, { training: true }) as tf.Tensor, probe)),
        true,
        variables,
      )!;
      cost.dataSync();
      cost.dispose();
    };
    const forwardIps = config.batch / timeIt(forward);
    const trainIps = config.batch / timeIt(trainStep);
    const gmacs = multiplyAccumulates / 1e9;
    emit({
      config: config.name,
      backend,
      phase: 'forward',
      imagesPerSecond: forwardIps,
      gflops: 2 * gmacs * forwardIps,
    });
    emit({
      config: config.name,
      backend,
      phase: 'train-step',
      imagesPerSecond: trainIps,
      gflops: 6 * gmacs * trainIps,
    });

    if (profile) {
      // tf.profile lists nested kernels too (the ops inside a composed kernel or a customGrad), so
      // shares are taken over the top-level kernels only (they sum to the step time), and each
      // nested kernel is reported separately with its share of the same total. A kernel record is
      // pushed after the engine has left the kernel, so kernelDepth at push time is its depth.
      const state = (
        tf.engine() as unknown as {
          state: { kernelDepth: number; activeProfile: { kernels: object[] } };
        }
      ).state;
      const depthOf = new WeakMap<object, number>();
      const info = await tf.profile(() => {
        const kernels = state.activeProfile.kernels;
        const push = kernels.push.bind(kernels);
        kernels.push = (...items: object[]) => {
          for (const item of items) depthOf.set(item, state.kernelDepth);
          return push(...items);
        };
        trainStep();
      });
      const topLevel = new Map<string, number>();
      const nested = new Map<string, number>();
      for (const k of info.kernels) {
        const map = (depthOf.get(k) ?? 0) === 0 ? topLevel : nested;
        const name = KERNEL_LABELS[k.name] ?? k.name;
        map.set(name, (map.get(name) ?? 0) + (k.kernelTimeMs as number));
      }
      const total = [...topLevel.values()].reduce((a, b) => a + b, 0);
      const report = (map: Map<string, number>, level: string, count: number) => {
        for (const [kernel, ms] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)) {
          emit({
            config: config.name,
            backend,
            profile: 'train-step',
            level,
            kernel,
            ms: Math.round(ms),
            share: ms / total,
          });
        }
      };
      report(topLevel, 'top-level', 12);
      report(nested, 'nested', 8);
    }
    tf.dispose([x, probe]);
    optimizer.dispose();
    model.dispose();
  }
}

/** PyTorch's figures for one configuration, and each backend's ratio to them. */
function comparePytorch(
  config: BenchConfig,
  measured: Map<string, { forward: number; train: number }>,
): void {
  const skipTorch = torchAvailable();
  if (skipTorch) {
    emit({ config: config.name, backend: 'pytorch-cpu', skipped: skipTorch });
    return;
  }
  for (const threads of [1, 2]) {
    const torch = pytorch(config, threads);
    for (const phase of ['forward', 'train-step'] as const) {
      emit({
        config: config.name,
        backend: 'pytorch-cpu',
        threads,
        phase,
        imagesPerSecond: phase === 'forward' ? torch.forwardImagesPerSecond : torch.trainImagesPerSecond,
      });
    }
    for (const [backend, ips] of measured) {
      emit({
        config: config.name,
        ratio: `${backend} / pytorch-cpu (${threads} thread${threads > 1 ? 's' : ''})`,
        forward: ips.forward / torch.forwardImagesPerSecond,
        trainStep: ips.train / torch.trainImagesPerSecond,
        target: backend === 'wasm' && threads === 1 ? 0.5 : undefined,
      });
    }
  }
}

/**
 * Each configuration and backend runs in its own process: a wasm abort (heap exhausted) kills the wasm
 * runtime, a fresh process starts every measurement from an empty heap, and one process holds one backend.
 */
function orchestrate(): void {
  const self = fileURLToPath(import.meta.url);
  const run = (config: BenchConfig): Map<string, number> | null => {
    try {
      const out = execFileSync(process.execPath, [...process.execArgv, self, JSON.stringify(config)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '2' },
      });
      const figures = new Map<string, number>();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        console.log(line);
        const figure = JSON.parse(line) as { phase?: string; imagesPerSecond?: number; profile?: string };
        if (figure.phase && figure.imagesPerSecond !== undefined && !figure.profile) {
          figures.set(figure.phase, figure.imagesPerSecond);
        }
      }
      return figures;
    } catch (error) {
      const raw = (error as { stderr?: Buffer | string }).stderr;
      const stderr = raw == null ? '' : raw.toString();
      const reason =
        /BackendUnavailableError: [^\n]*/.exec(stderr)?.[0] ??
        /RuntimeError: [^\n]*/.exec(stderr)?.[0] ??
        /Error: [^\n]*/.exec(stderr)?.[0] ??
        'child process failed';
      emit({ config: config.name, backend: config.backend, error: reason.slice(0, 300) });
      return null;
    }
  };
  for (const base of configs) {
    let config = base;
    let measured = new Map<string, { forward: number; train: number }>();
    const runAll = () => {
      const all = new Map<string, { forward: number; train: number }>();
      let failed = false;
      for (const backend of backends as ('tensorflow' | 'wasm')[]) {
        const figures = run({ ...config, backend });
        if (figures)
          all.set(backend, {
            forward: figures.get('forward') ?? NaN,
            train: figures.get('train-step') ?? NaN,
          });
        else if (backend === 'wasm') failed = true; // the heap-exhaustion case the fallback is for
      }
      return { all, failed };
    };
    const first = runAll();
    measured = first.all;
    if (first.failed && fallbacks[config.name]) {
      // A smaller batch, on every backend, becomes the configuration compared with PyTorch.
      config = fallbacks[config.name]!;
      measured = runAll().all;
    }
    comparePytorch(config, measured);
  }
}

const arg = process.argv[2];
if (arg) await runConfig(JSON.parse(arg) as BenchConfig);
else orchestrate();
