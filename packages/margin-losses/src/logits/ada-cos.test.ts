import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, testBackend } from '@frx/tensor-utils/testing';

import { adaCosInitialScale, adaCosLogits, adaCosScale } from './ada-cos';

describe('AdaCos', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('s₀ = √2·ln(C − 1): 3.107345, 9.767626, 16.185629 (margin-losses.md §6)', () => {
    expect(adaCosInitialScale(10)).toBeCloseTo(3.107345, 6);
    expect(adaCosInitialScale(1000)).toBeCloseTo(9.767626, 6);
    expect(adaCosInitialScale(93431)).toBeCloseTo(16.185629, 6);
  });

  it('updates s from B_avg and the lower median target angle', () => {
    // Hand-worked: rows (y = 0, 1); B_avg = (e^{2·0.2} + e^{2·0.5}) / 2; target angles acos 0.6, acos 0.9,
    // lower median = acos 0.9 = 0.451027 < π/4 → s = ln(B_avg) / 0.9.
    const cos = tf.tensor2d([
      [0.6, 0.2],
      [0.5, 0.9],
      [0.1, 0.1],
    ]);
    const labels = tf.tensor1d([0, 1, -1], 'int32');
    const expected = Math.log((Math.exp(0.4) + Math.exp(1.0)) / 2) / 0.9;
    expect(adaCosScale(cos, labels, { s: 2 })).toBeCloseTo(expected, 5);
    tf.dispose([cos, labels]);
  });

  it('logits are s·cos; one tensor per call', async () => {
    const cos = tf.tensor2d([[0.5, -0.25]]);
    const labels = tf.tensor1d([0], 'int32');
    const { result, newTensors } = await countNewTensors(() => adaCosLogits(cos, labels, { s: 4 }));
    expect(newTensors).toBe(1);
    expect(Array.from(result.dataSync())).toEqual([2, -1]);
    expect(() => adaCosLogits(cos, labels, {} as never)).toThrow(/'s'/);
    tf.dispose([result, cos, labels]);
  });
});
