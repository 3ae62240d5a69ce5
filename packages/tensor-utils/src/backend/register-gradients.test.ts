import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { testBackend } from '../testing/test-backend';
import { initBackend } from './init-backend';
import { registerGradientSources } from './register-gradients';

describe('registerGradientSources', () => {
  it('registers tfjs gradients under Node (through the CommonJS tfjs-layers build)', async () => {
    const { registered, failures } = await registerGradientSources();
    expect(failures).toEqual([]);
    expect(registered).toBe(true);
    // Square is the kernel the "gradient function not found for Square" came from.
    for (const kernel of ['Square', 'Sum', 'Conv2D', 'BatchMatMul'])
      expect(tf.getGradient(kernel), kernel).toBeDefined();
  });

  it('lets a backend train: d/dx Σ x² = 2x', async () => {
    await initBackend({ backend: testBackend() });
    const x = tf.tensor1d([1, -2, 3]);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x);
    expect(Array.from(await dx.data())).toEqual([2, -4, 6]);
    tf.dispose([x, dx]);
  });
});
