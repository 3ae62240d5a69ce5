// A page that bundles only tfjs-core, the cpu backend and @frx/tensor-utils (no tfjs-layers, whose ESM
// build would register the gradients itself): initBackend must register tfjs' gradients in the bundle.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';

const status = document.querySelector<HTMLElement>('#status')!;

async function check(): Promise<void> {
  const backend = await initBackend({ backend: 'cpu' });
  const x = tf.tensor1d([1, -2, 3]);
  const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x);
  const gradient = Array.from(await dx.data());
  tf.dispose([x, dx]);
  status.textContent = `${backend}: d/dx Σx² at [1, -2, 3] = [${gradient.join(', ')}]`;
  (window as unknown as { frxGradient: unknown }).frxGradient = gradient;
  document.body.dataset['state'] = 'done';
}

check().catch((error: unknown) => {
  status.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
  document.body.dataset['state'] = 'failed';
  console.error(error);
});
