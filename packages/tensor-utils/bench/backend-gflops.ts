// GFLOP/s of the wasm backend (with the @frx training kernels) and the cpu backend: a 512×512 matMul,
// and a 3×3 conv2d forward-only and forward + backward. One JSON line per figure on stdout.
// Usage: pnpm bench [-- --cpu-cap-seconds 60] [--cpu-backward]. Timings on a shared 2-core machine are noisy.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // its CommonJS build registers tfjs-core's gradient functions

import * as tf from '@tensorflow/tfjs-core';

import { registerWasmTrainingKernels } from '../src/backend/wasm-training-kernels';

const capArg = process.argv.indexOf('--cpu-cap-seconds');
const cpuCapSeconds = capArg > 0 ? Number(process.argv[capArg + 1]) : 60;

const [N, H, W, C, K] = [16, 32, 32, 64, 3];
/** 2·N·Ho·Wo·kh·kw·Cin·Cout per pass (stride 1, 'same': Ho = H, Wo = W). */
const convPassFlops = 2 * N * H * W * K * K * C * C;
const matMulFlops = 2 * 512 ** 3;

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

/** Median milliseconds of `reps` runs after one warm-up; stops early once `capMs` is spent. */
function timeMs(
  run: () => tf.Tensor | tf.Tensor[],
  reps: number,
  capMs = Infinity,
): { ms: number; reps: number } | null {
  const once = () => {
    const start = performance.now();
    const out = run();
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    tf.dispose(out);
    return performance.now() - start;
  };
  const warm = once();
  if (warm > capMs) return null;
  const samples: number[] = [];
  let spent = warm;
  while (samples.length < reps && spent < capMs) {
    const ms = once();
    samples.push(ms);
    spent += ms;
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)]!, reps: samples.length };
}

async function measure(
  backend: string,
  options: { replaceSlowKernels: boolean; capMs: number },
): Promise<void> {
  await tf.setBackend(backend);
  const label =
    backend === 'wasm' ? (options.replaceSlowKernels ? 'wasm+replaceSlowKernels' : 'wasm') : backend;
  const a = tf.randomNormal([512, 512]);
  const b = tf.randomNormal([512, 512]);
  const x = tf.randomNormal<tf.Rank.R4>([N, H, W, C]);
  const w = tf.variable(tf.randomNormal<tf.Rank.R4>([K, K, C, C], 0, 0.05));
  const xv = tf.variable(x);
  const report = (figure: string, flops: number, r: { ms: number; reps: number } | null) => {
    if (r == null)
      emit({ figure, backend: label, skipped: `${backend} exceeded the ${options.capMs / 1000} s cap` });
    else
      emit({
        figure,
        backend: label,
        gflops: +(flops / r.ms / 1e6).toFixed(2),
        ms: +r.ms.toFixed(1),
        reps: r.reps,
      });
    return r;
  };
  report(
    'matmul-512',
    matMulFlops,
    timeMs(() => tf.matMul(a, b), 20, options.capMs),
  );
  report(
    'matmul-512-transposeA',
    matMulFlops,
    timeMs(() => tf.matMul(a, b, true, false), 10, options.capMs),
  );
  const fwd = report(
    'conv2d-3x3-16x32x32x64-forward',
    convPassFlops,
    timeMs(() => tf.conv2d(x, w, 1, 'same'), 10, options.capMs),
  );
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.conv2d(xv, w, 1, 'same')), [xv, w]);
    return [value, ...Object.values(grads)];
  };
  if (backend === 'cpu' && !process.argv.includes('--cpu-backward')) {
    // The cap is checked between runs, and one cpu step did not finish in 5 minutes on the 2-core machine.
    emit({
      figure: 'conv2d-3x3-16x32x32x64-forward-backward',
      backend: label,
      skipped: 'cpu: one step exceeded 5 min; pass --cpu-backward to try',
    });
    tf.dispose([a, b, x, w, xv]);
    return;
  }
  const fb = report(
    'conv2d-3x3-16x32x32x64-forward-backward',
    3 * convPassFlops,
    fwd ? timeMs(step, 5, options.capMs) : null,
  );
  if (fwd && fb) {
    const ratio = (fwd.ms * 3) / fb.ms;
    emit({
      figure: 'conv2d-forward-backward-rate-over-forward-rate',
      backend: label,
      ratio: +ratio.toFixed(2),
      target: 0.6,
      met: ratio >= 0.6,
    });
  }
  tf.dispose([a, b, x, w, xv]);
}

registerWasmTrainingKernels({ replaceSlowKernels: false, replaceFaultyKernels: false });
await measure('wasm', { replaceSlowKernels: false, capMs: Infinity });
registerWasmTrainingKernels({ replaceSlowKernels: true });
await measure('wasm', { replaceSlowKernels: true, capMs: Infinity });
await measure('cpu', { replaceSlowKernels: false, capMs: cpuCapSeconds * 1000 });
