#!/usr/bin/env node
// Root postinstall: makes @tensorflow/tfjs-node run on TensorFlow's own library (frx-tfjs-node setup,
// from @frx/tensor-utils' sources, so it works before anything is built). Never fails the install: where no
// TensorFlow wheel can be had it prints one line and the wasm backend stays the default.
// FRX_SKIP_NATIVE=1 skips it; `pnpm setup:native` runs it again and fails loudly.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.env.FRX_SKIP_NATIVE === '1') {
  console.log('frx-tfjs-node: skipped (FRX_SKIP_NATIVE=1); the wasm backend will be used');
  process.exit(0);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    'packages/tensor-utils/src/cli/frx-tfjs-node.ts',
    'setup',
    '--project',
    'packages/tensor-utils',
    '--optional',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (result.status !== 0) {
  console.log(
    'frx-tfjs-node: the native set-up did not run; the wasm backend will be used (pnpm setup:native to retry)',
  );
}
