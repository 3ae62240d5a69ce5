import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../testing/test-backend';

import { initBackend } from '../backend/init-backend';
import { countNewTensors } from '../testing/count-new-tensors';
import { randomNormalTensor, randomUniformTensor } from './random-tensors';
import { createRng } from './rng';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('seeded random tensors', () => {
  it('reproduces a normal tensor from its seed, with the requested moments', async () => {
    const { result, newTensors } = await countNewTensors(() =>
      randomNormalTensor([200, 100], createRng(1), { mean: 2, stddev: 0.5 }),
    );
    expect(newTensors).toBe(1);
    const values = Array.from(result.dataSync());
    const again = randomNormalTensor([200, 100], createRng(1), { mean: 2, stddev: 0.5 });
    expect(Array.from(again.dataSync())).toEqual(values);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean - 2)).toBeLessThan(0.02); // 5 standard errors of 0.5 / sqrt(20000)
    expect(Math.abs(Math.sqrt(variance) - 0.5)).toBeLessThan(0.015);
    tf.dispose([result, again]);
  });

  it('truncates at two standard deviations', () => {
    const t = randomNormalTensor([10_000], createRng(2), { stddev: 3, truncated: true });
    expect(Math.max(...Array.from(t.dataSync(), Math.abs))).toBeLessThanOrEqual(6);
    t.dispose();
  });

  it('draws uniforms in range and checks shapes', () => {
    const t = randomUniformTensor([50, 4], createRng(3), -0.25, 0.25);
    expect(t.shape).toEqual([50, 4]);
    for (const v of t.dataSync()) expect(v >= -0.25 && v < 0.25).toBe(true);
    t.dispose();
    expect(() => randomUniformTensor([2, -1], createRng(1))).toThrow(/invalid dimension -1/);
    expect(() => randomUniformTensor([2], createRng(1), 1, 0)).toThrow(/min 1 must be <= max 0/);
  });
});
