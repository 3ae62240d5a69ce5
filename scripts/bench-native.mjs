#!/usr/bin/env node
// `pnpm bench:native`: the native-backend benchmark side by side in one run — IResNet (packages/resnet
// bench/iresnet-throughput.ts), an InceptionTime epoch on CBF (packages/kdctime bench/train-vs-pytorch.ts) and a GAN
// step (packages/giu-gan bench/step-vs-pytorch.ts), each on tensorflow, wasm and PyTorch 2.13 CPU (1 and 2 threads),
// in sequence. Every JSON line goes to stdout and to bench/results/native-<date>.jsonl, tagged with its benchmark and
// the load average when it was printed (the machine is shared: read the ratios with it).
//
//   pnpm bench:native [-- --only iresnet,inception-time,gan] [-- --tiny]
//
// --tiny: BENCH_REPEATS=1, one epoch / step per repeat, no per-kernel profile (a check that everything runs).
// BENCH_PYTHON, BENCH_BACKENDS and BENCH_REPEATS are passed on; BENCH_PYTHON defaults to the venv of
// packages/resnet/scripts/make-bench-venv.sh (created when missing, from pip with torch==2.13.0+cpu).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { only: { type: 'string' }, tiny: { type: 'boolean', default: false } },
});

const benches = [
  { bench: 'iresnet', filter: '@frx/resnet', script: 'bench', args: [] },
  {
    bench: 'inception-time',
    filter: '@frx/kdctime',
    script: 'bench:pytorch',
    args: values.tiny ? ['--epochs', '1'] : [],
  },
  {
    bench: 'gan',
    filter: '@frx/giu-gan',
    script: 'bench:pytorch',
    args: values.tiny ? ['--steps', '1'] : [],
  },
];
const only = values.only?.split(',').map((s) => s.trim());
const selected = only ? benches.filter((b) => only.includes(b.bench)) : benches;

const env = { ...process.env };
if (values.tiny) Object.assign(env, { BENCH_REPEATS: '1', BENCH_PROFILE: '0' });
if (!env.BENCH_PYTHON) {
  const venv = spawnSync('bash', [join(root, 'packages/resnet/scripts/make-bench-venv.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (venv.status === 0) env.BENCH_PYTHON = venv.stdout.trim().split('\n').pop();
  else console.error('bench:native: could not make the PyTorch venv; the PyTorch figures will be skipped');
}

const stamp = new Date().toISOString().slice(0, 16).replace(':', '-');
const dir = join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `native-${stamp}.jsonl`);
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const write = (record) => {
  const line = JSON.stringify(record);
  console.log(line);
  appendFileSync(file, `${line}\n`);
};

write({
  bench: 'meta',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  python: env.BENCH_PYTHON ?? null,
  backends: env.BENCH_BACKENDS ?? 'tensorflow,wasm',
  repeats: env.BENCH_REPEATS ?? 'default',
  tiny: values.tiny,
  loadAverage: load(),
});

let failed = 0;
for (const { bench, filter, script, args } of selected) {
  const child = spawn('pnpm', ['-s', '--filter', filter, 'run', script, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith('{')) {
      console.error(line);
      continue;
    }
    let figure;
    try {
      figure = JSON.parse(line);
    } catch {
      console.error(line);
      continue;
    }
    write({ bench, ...figure, loadAverage: figure.loadAverage ?? load() });
  }
  const status = await new Promise((resolve) => child.on('close', resolve));
  if (status !== 0) {
    failed += 1;
    write({ bench, error: `${filter} ${script} exited with ${status}`, loadAverage: load() });
  }
}
console.error(`bench:native: wrote ${file}`);
process.exitCode = failed ? 1 : 0;
