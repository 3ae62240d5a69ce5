import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { BackendUnavailableError, backendSelection, initBackend } from './init-backend';
import { WASM_TRAINING_KERNELS } from './wasm-training-kernels';

async function nativeInstalled(): Promise<boolean> {
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(/* @vite-ignore */ name);
      return true;
    } catch {
      // not installed
    }
  }
  return false;
}
const hasNative = await nativeInstalled();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('initBackend', () => {
  it('starts wasm with the training kernels registered', async () => {
    expect(await initBackend({ backend: 'wasm' })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  it('starts cpu without the "install tfjs-node" banner', async () => {
    const warn = vi.spyOn(console, 'warn');
    expect(await initBackend({ backend: 'cpu' })).toBe('cpu');
    tf.tensor1d([1, 2, 3]).dispose();
    expect(warn.mock.calls.flat().join(' ')).not.toMatch(/tfjs-node/);
  });

  it.skipIf(hasNative)(
    'fails clearly, with no fallback, when the tensorflow backend is not installed',
    async () => {
      await initBackend({ backend: 'cpu' });
      const error = await initBackend({ backend: 'tensorflow' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toMatch(/@tensorflow\/tfjs-node-gpu.*@tensorflow\/tfjs-node/);
      expect((error as BackendUnavailableError).causes).toHaveLength(2);
      expect(tf.getBackend()).toBe('cpu');
    },
  );

  it.skipIf(hasNative)('picks wasm under auto when no native backend is installed', async () => {
    expect(await initBackend()).toBe('wasm');
    expect(await initBackend({ backend: 'auto' })).toBe('wasm');
  });

  it.runIf(hasNative)('picks the native tensorflow backend under auto where it is set up', async () => {
    expect(await initBackend()).toBe('tensorflow');
    // TensorFlow's own kernels: a conv2d filter gradient, checked against the hand-worked value
    // d/dw sum(conv(x, w)) = sum of x over each tap's window (1x1 filter: the sum of x).
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const grad = tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'same')))(
      tf.ones([1, 1, 1, 1]),
    );
    expect(Array.from(await grad.data())).toEqual([10]);
    tf.dispose([x, grad]);
  });

  it('says what it selected and why', async () => {
    await initBackend({ backend: 'cpu' });
    expect(backendSelection()).toEqual({
      backend: 'cpu',
      requested: 'cpu',
      reason: "pure JavaScript; asked for 'cpu'",
    });
    await initBackend();
    const selection = backendSelection()!;
    expect(selection.requested).toBe('auto');
    if (hasNative) {
      expect(selection.backend).toBe('tensorflow');
      expect(selection.reason).toMatch(/^native TensorFlow \d+\.\d+\.\d+; the fastest available$/);
    } else {
      expect(selection.backend).toBe('wasm');
      expect(selection.reason).toMatch(/not available: .*tfjs-node/);
    }
  });

  it('rejects unknown options and backends', async () => {
    await expect(initBackend({ backnd: 'wasm' } as never)).rejects.toThrow(/unknown option 'backnd'/);
    await expect(initBackend({ backend: 'webgpu' as never })).rejects.toThrow(/unknown backend 'webgpu'/);
  });
});
