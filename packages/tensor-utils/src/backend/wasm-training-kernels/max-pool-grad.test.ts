import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createRng } from '../../random/rng';
import { countNewTensors } from '../../testing/count-new-tensors';
import { engineState, pick, randomHost, relativeError, runKernelOn } from './kernel-test-harness';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels';

beforeAll(async () => {
  registerWasmTrainingKernels({ replaceFaultyKernels: true });
  await tf.setBackend('wasm');
});

describe('wasm MaxPoolGrad replacement (replaceFaultyKernels)', () => {
  it('gives the hand-worked gradient where the native kernel drops the edge window', () => {
    // See register-wasm-training-kernels.test.ts for the derivation of [0, 6, 0, 0, 4, 18, 0, 8].
    const x = tf.tensor4d([0, 0.993, -0.254, -0.923, 0.498, 0.803, -0.694, -0.611], [1, 1, 8, 1]);
    const w = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 8, 1]);
    const dx = tf.grad((v) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, [1, 3], 1, 'same'), w)))(x);
    expect(Array.from(dx.dataSync())).toEqual([0, 6, 0, 0, 4, 18, 0, 8]);
    tf.dispose([x, w, dx]);
  });

  it('matches the cpu kernel on 50 seeded random shapes (windows 1-3, strides 1-3, same/valid)', async () => {
    const rng = createRng('max-pool-grad');
    let checked = 0;
    while (checked < 50) {
      const xShape: [number, number, number, number] = [
        1 + rng.int(3),
        1 + rng.int(9),
        1 + rng.int(9),
        1 + rng.int(4),
      ];
      const filterSize = pick(rng, [1, 2, 3, [1, 3], [3, 1], [2, 3]] as const) as number | [number, number];
      const strides = pick(rng, [1, 2, 3, [1, 2]] as const) as number | [number, number];
      const pad = pick(rng, ['same', 'valid'] as const);
      const info = tf.backend_util.computePool2DInfo(xShape, filterSize, strides, 1, pad);
      if (info.outHeight < 1 || info.outWidth < 1) continue;
      const input = randomHost(rng, xShape);
      await tf.setBackend('cpu');
      const output = tf.tidy(() => {
        const y = tf.maxPool(tf.tensor4d(input.values, xShape), filterSize, strides, pad);
        return { values: Array.from(y.dataSync()), shape: y.shape };
      });
      const inputs = { dy: randomHost(rng, info.outShape), input, output };
      const attrs = { filterSize, strides, pad };
      const label = JSON.stringify({ xShape, ...attrs });
      const expected = await runKernelOn('cpu', 'MaxPoolGrad', inputs, attrs);
      const actual = await runKernelOn('wasm', 'MaxPoolGrad', inputs, attrs);
      expect(actual.shape, label).toEqual(xShape);
      expect(relativeError(actual.values, expected.values), label).toBeLessThan(1e-4);
      checked++;
    }
  });

  it('leaves exactly its output and no engine state behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, 3]);
    const before = engineState();
    const { result, newTensors } = await countNewTensors(() =>
      tf.grad((v) => tf.sum(tf.maxPool(v as tf.Tensor4D, 3, 2, 'same')))(x),
    );
    expect(newTensors).toBe(1);
    expect(engineState()).toEqual(before);
    tf.dispose([result, x]);
  });
});
