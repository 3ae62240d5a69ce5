#!/usr/bin/env node
// `pnpm test`: the whole suite once per backend leg, then one summary line.
// Legs: FRX_TEST_BACKEND if set (one leg); else `tensorflow` when the native backend is set up here
// (frx-tfjs-node verify passes) and always `wasm`. FRX_TEST_LEGS=wasm,tensorflow forces a list.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (command, args, env = {}) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status;

function nativeReady() {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'packages/tensor-utils/src/cli/frx-tfjs-node.ts',
      'verify',
      '--project',
      'packages/tensor-utils',
      '--json',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return result.status === 0;
}

let legs;
if (process.env.FRX_TEST_LEGS)
  legs = process.env.FRX_TEST_LEGS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
else if (process.env.FRX_TEST_BACKEND) legs = [process.env.FRX_TEST_BACKEND];
else {
  legs = nativeReady() ? ['tensorflow', 'wasm'] : ['wasm'];
  if (legs.length === 1)
    console.log('tests: native backend not set up here (pnpm setup:native); running the wasm leg only');
}
// Stale reports of an earlier run must not count: each leg writes its own afresh.
for (const group of ['packages', 'examples']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir))
    rmSync(join(dir, name, '.test-results'), { recursive: true, force: true });
}
// At most 3 packages at a time (turbo's default is 10): the tests are CPU-bound, so more in parallel on a
// 2-core machine buys no time, and a vitest worker starved for a minute loses its RPC to the main process
// ("Timeout calling onTaskUpdate": seen with 10 packages at once beside two background training jobs).
const concurrency = process.env.FRX_TEST_CONCURRENCY ?? '3';
let failed = false;
for (const leg of legs) {
  console.log(`\n=== tests on ${leg} ===`);
  if (
    run('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', `--concurrency=${concurrency}`], {
      FRX_TEST_BACKEND: leg,
      TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '1',
    }) !== 0
  )
    failed = true;
}
const summary = run(process.execPath, ['scripts/test-summary.mjs', ...legs]);
process.exit(failed || summary !== 0 ? 1 : 0);
