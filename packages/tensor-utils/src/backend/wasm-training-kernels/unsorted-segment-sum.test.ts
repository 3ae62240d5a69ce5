import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createRng } from '../../random/rng';
import { countNewTensors } from '../../testing/count-new-tensors';
import { expectTensorsClose } from '../../testing/expect-tensors-close';
import { engineState, randomHost, relativeError, runKernelOn } from './kernel-test-harness';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

describe('wasm UnsortedSegmentSum', () => {
  it('matches the cpu kernel on 40 seeded random shapes, with repeated and unused ids', async () => {
    const rng = createRng('unsorted-segment-sum');
    for (let i = 0; i < 40; i++) {
      const rows = 1 + rng.int(12);
      const rest = Array.from({ length: rng.int(3) }, () => 1 + rng.int(5));
      const numSegments = 1 + rng.int(8);
      const x = randomHost(rng, [rows, ...rest]);
      const segmentIds = {
        values: Array.from({ length: rows }, () => rng.int(numSegments)),
        shape: [rows],
        dtype: 'int32' as const,
      };
      const label = JSON.stringify({ shape: x.shape, numSegments, ids: segmentIds.values });
      const expected = await runKernelOn('cpu', 'UnsortedSegmentSum', { x, segmentIds }, { numSegments });
      const actual = await runKernelOn('wasm', 'UnsortedSegmentSum', { x, segmentIds }, { numSegments });
      expect(actual.shape, label).toEqual([numSegments, ...rest]);
      expect(relativeError(actual.values, expected.values), label).toBeLessThan(1e-4);
    }
  });

  it('follows TensorFlow on multi-dimensional and out-of-range ids, and keeps int32 (hand-worked)', async () => {
    await tf.setBackend('wasm');
    // ids [[0, 2], [-1, 0]] over x [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]: segment 0 = [1,2] + [7,8],
    // segment 1 = nothing, segment 2 = [3, 4]; id -1 is dropped.
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const ids = tf.tensor2d([0, 2, -1, 0], [2, 2], 'int32');
    const out = tf.unsortedSegmentSum(x, ids as unknown as tf.Tensor1D, 3);
    expect(out.dtype).toBe('int32');
    expectTensorsClose(out, [
      [8, 10],
      [0, 0],
      [3, 4],
    ]);
    const high = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 4]), tf.tensor1d([0, 5, 1], 'int32'), 2);
    expectTensorsClose(high, [1, 4]);
    tf.dispose([x, ids, out, high]);
  });

  it('leaves exactly its output and no engine state behind; rejects bad attributes clearly', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([6, 4]);
    const ids = tf.tensor1d([0, 1, 1, 3, 0, 2], 'int32');
    const before = engineState();
    const { result, newTensors } = await countNewTensors(() => tf.unsortedSegmentSum(x, ids, 4));
    expect(newTensors).toBe(1);
    expect(engineState()).toEqual(before);
    const run =
      (numSegments: number, segmentIds: tf.Tensor = ids) =>
      () =>
        tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds }, { numSegments });
    expect(run(0)).toThrow(/UnsortedSegmentSum: numSegments must be a positive integer, got 0/);
    const wrong = tf.tensor1d([0, 1], 'int32');
    expect(run(2, wrong)).toThrow(/segmentIds shape \[2\] must prefix x shape \[6, 4\]/);
    tf.dispose([result, x, ids, wrong]);
  });
});
