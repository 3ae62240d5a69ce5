import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ensureGradientsRegistered, initBackend } from '@frx/tensor-utils';
// Vite serves the wasm binaries from the app's own origin (no CDN): `?url` gives their hashed URLs.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

import { LineChart } from './line-chart';
import { trainCbf } from './train';

const BACKENDS = ['wasm', 'webgl', 'cpu'] as const;
type PageBackend = (typeof BACKENDS)[number];

const params = new URLSearchParams(location.search);
const status = document.querySelector<HTMLElement>('#status')!;
const charts = document.querySelector<HTMLElement>('#charts')!;

async function startBackend(name: PageBackend): Promise<string> {
  if (name === 'webgl') {
    // WebGL is the application's choice, not @frx's: import it, select it, then register the gradients.
    await import('@tensorflow/tfjs-backend-webgl');
    if (!(await tf.setBackend('webgl'))) throw new Error('WebGL is not available in this browser');
    await tf.ready();
    await ensureGradientsRegistered();
    return tf.getBackend();
  }
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
  return initBackend({ backend: name });
}

async function run(): Promise<void> {
  const requested = (params.get('backend') ?? 'wasm') as PageBackend;
  if (!BACKENDS.includes(requested))
    throw new Error(`unknown backend '${requested}' (${BACKENDS.join(', ')})`);
  const epochs = Number(params.get('epochs') ?? 30);
  const backend = await startBackend(requested);
  document.body.dataset['backend'] = backend;
  const lossChart = new LineChart('training loss (softmax cross-entropy)', { log: true });
  const lrChart = new LineChart('learning rate (FastFace / MHLR v2)', { color: '#d62728', log: true });
  charts.append(lossChart.element, lrChart.element);
  status.textContent = `training on ${backend}…`;
  const result = await trainCbf({
    epochs,
    onStep: async ({ step, loss, lr }) => {
      lossChart.push(loss);
      lrChart.push(lr);
      status.textContent = `training on ${backend}: step ${step}, loss ${loss.toFixed(4)}, lr ${lr.toExponential(2)}`;
      // Let the page paint between steps.
      await new Promise((resolve) => requestAnimationFrame(resolve));
    },
  });
  status.textContent =
    `done on ${backend}: ${result.losses.length} steps in ${result.seconds.toFixed(1)} s, ` +
    `test accuracy ${(result.testAccuracy * 100).toFixed(1)} % (150 series), tensors left ${tf.memory().numTensors}`;
  document.body.dataset['state'] = 'done';
  (window as unknown as { frxResult: unknown }).frxResult = {
    backend,
    ...result,
    numTensors: tf.memory().numTensors,
  };
}

run().catch((error: unknown) => {
  status.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
  document.body.dataset['state'] = 'failed';
  console.error(error);
});
