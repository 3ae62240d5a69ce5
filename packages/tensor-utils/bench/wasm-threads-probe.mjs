#!/usr/bin/env node
// Probe: can tfjs-backend-wasm 4.22 run its threaded SIMD build under Node? (tfjs issue 3830)
//
// tfjs turns threads off in Node (flag WASM_HAS_MULTITHREAD_SUPPORT returns false when IS_NODE). Forcing
// the flag on fails because the backend hands the pthread worker script to `new Worker()` as a blob:
// URL, which Node's worker_threads refuse (ERR_WORKER_PATH), and posts the main script as a Blob the
// worker cannot import. This probe shims both (writes the scripts to a temporary folder) and reports
// what the backend then does. One JSON line per figure. Usage: node bench/wasm-threads-probe.mjs [threads]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import * as wasm from '@tensorflow/tfjs-backend-wasm';

const requested = Number(process.argv[2] ?? 2);
const out = (o) => console.log(JSON.stringify({ bench: 'wasm-threads-probe', ...o }));

const dir = mkdtempSync(join(tmpdir(), 'frx-wasm-threads-'));
const NativeBlob = globalThis.Blob;
const nativeCreateObjectURL = URL.createObjectURL;
const texts = new WeakMap();
let mainScriptPath = null;
globalThis.Blob = class RecordingBlob extends NativeBlob {
  constructor(parts, options) {
    super(parts, options);
    if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'string')) return;
    const text = parts.join('');
    texts.set(this, text);
    if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
      // The factory's source refers to the bundle's module-level requires; give the worker its own.
      mainScriptPath = join(dir, 'main.cjs');
      writeFileSync(
        mainScriptPath,
        "var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks')," +
          "require$$4=require('os'),commonjsGlobal=globalThis;\n" +
          text,
      );
    }
  }
};
URL.createObjectURL = (blob) => {
  const text = texts.get(blob);
  if (text === undefined) return nativeCreateObjectURL(blob);
  const path = join(dir, 'worker.cjs');
  writeFileSync(
    path,
    `${text}\n;URL.createObjectURL=()=>${JSON.stringify(mainScriptPath)};URL.revokeObjectURL=()=>{};`,
  );
  return path;
};

async function rate(label) {
  const a = tf.randomNormal([512, 512]);
  for (let i = 0; i < 3; i++) tf.matMul(a, a).dispose();
  let t = performance.now();
  for (let i = 0; i < 20; i++) {
    const c = tf.matMul(a, a);
    await c.data();
    c.dispose();
  }
  out({
    figure: 'matmul-512',
    mode: label,
    gflops: +((20 * 2 * 512 ** 3) / ((performance.now() - t) / 1e3) / 1e9).toFixed(2),
  });
  const x = tf.randomNormal([16, 32, 32, 64]);
  const w = tf.randomNormal([3, 3, 64, 64]);
  tf.conv2d(x, w, 1, 'same').dispose();
  t = performance.now();
  for (let i = 0; i < 5; i++) {
    const c = tf.conv2d(x, w, 1, 'same');
    await c.data();
    c.dispose();
  }
  const flops = 5 * 2 * 16 * 32 * 32 * 9 * 64 * 64;
  out({
    figure: 'conv2d-forward',
    mode: label,
    gflops: +(flops / ((performance.now() - t) / 1e3) / 1e9).toFixed(2),
  });
  tf.dispose([a, x, w]);
}

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
wasm.setThreadsCount(requested);
const timer = setTimeout(() => {
  out({ figure: 'init', ok: false, error: 'timed out after 60 s' });
  process.exit(2);
}, 60_000);
try {
  if (!(await tf.setBackend('wasm'))) throw new Error('setBackend returned false');
  await tf.ready();
} catch (error) {
  out({ figure: 'init', ok: false, error: String(error?.message ?? error) });
  process.exit(1);
} finally {
  clearTimeout(timer);
  globalThis.Blob = NativeBlob;
  URL.createObjectURL = nativeCreateObjectURL;
}
const backend = tf.backend();
const check = Array.from(
  tf
    .matMul(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([[5], [6]]),
    )
    .dataSync(),
);
out({
  figure: 'init',
  ok: true,
  threadedBinary: typeof backend.wasm.PThread === 'object',
  requestedThreads: requested,
  xnnpackThreads: wasm.getThreadsCount(),
  matmulCheck: check.join(',') === '17,39',
});
await rate('threaded-binary');
rmSync(dir, { recursive: true, force: true });
process.exit(0);
