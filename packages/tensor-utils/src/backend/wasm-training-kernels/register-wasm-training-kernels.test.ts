import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's ESM entry registers no gradient functions; tests register them explicitly.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { createRng } from '../../random/rng';
import type { Rng } from '../../random/rng';
import { engineState, randomHost, relativeError } from './kernel-test-harness';
import type { HostTensor } from './kernel-test-harness';
import {
  assertKernelsRegistered,
  registerWasmTrainingKernels,
  WASM_FAULTY_KERNELS,
  WASM_SLOW_KERNELS,
  WASM_TRAINING_KERNELS,
} from './register-wasm-training-kernels';

// Before any registration: what tfjs-backend-wasm 4.22 itself lacks (the reason this module exists).
const nativelyMissing = WASM_TRAINING_KERNELS.filter((name) => tf.getKernel(name, 'wasm') == null);
const nativeConv2D = tf.getKernel('Conv2D', 'wasm').kernelFunc;
const nativeBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc;

describe('registerWasmTrainingKernels', () => {
  it('registers the missing kernels once, and with replacements off never touches native ones', () => {
    expect(nativelyMissing).toEqual([...WASM_TRAINING_KERNELS]);
    expect(() => assertKernelsRegistered(WASM_TRAINING_KERNELS, 'wasm')).toThrow(
      /backend 'wasm' lacks kernel\(s\) Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput, UnsortedSegmentSum \(call registerWasmTrainingKernels\(\)/,
    );
    const nativeOnly = { replaceSlowKernels: false, replaceFaultyKernels: false };
    const first = registerWasmTrainingKernels(nativeOnly);
    expect(first).toEqual({ registered: [...WASM_TRAINING_KERNELS], skipped: [] });
    const functions = WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm').kernelFunc);
    const second = registerWasmTrainingKernels(nativeOnly);
    expect(second).toEqual({ registered: [], skipped: [...WASM_TRAINING_KERNELS] });
    expect(WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm').kernelFunc)).toEqual(functions);
    expect(tf.getKernel('Conv2D', 'wasm').kernelFunc).toBe(nativeConv2D);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc).toBe(nativeBackpropInput);
    expect(() =>
      assertKernelsRegistered([...WASM_TRAINING_KERNELS, 'Conv2D', 'MaxPoolGrad'], 'wasm'),
    ).not.toThrow();
    // The defaults also replace the faulty and slow native kernels, once.
    const third = registerWasmTrainingKernels();
    expect(third).toEqual({
      registered: [...WASM_SLOW_KERNELS, ...WASM_FAULTY_KERNELS],
      skipped: [...WASM_TRAINING_KERNELS],
    });
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc).not.toBe(nativeBackpropInput);
    expect(registerWasmTrainingKernels().registered).toEqual([]);
  });

  it('rejects unknown options, and assertKernelsRegistered names every missing kernel', () => {
    expect(() => registerWasmTrainingKernels({ replaceSlow: true } as never)).toThrow(
      /unknown option\(s\) replaceSlow \(known: replaceSlowKernels, replaceFaultyKernels\)/,
    );
    expect(() => assertKernelsRegistered(['Conv2D', 'NoSuchKernel', 'AlsoMissing'], 'wasm')).toThrow(
      /backend 'wasm' lacks kernel\(s\) NoSuchKernel, AlsoMissing/,
    );
  });
});

/** A training-style loss over some variables, the same on both backends. */
interface GradCase {
  name: string;
  variables: Record<string, HostTensor>;
  constants?: Record<string, HostTensor>;
  loss: (v: Record<string, tf.Tensor>, c: Record<string, tf.Tensor>) => tf.Scalar;
}

/** Weighted sum of an output, so every output element gets a distinct gradient. */
function weightedSum(y: tf.Tensor, seed: number): tf.Scalar {
  const weights = tf.tidy(() => tf.sin(tf.mul(tf.range(1, y.size + 1), seed * 0.37)));
  return tf.sum(tf.mul(tf.reshape(y, [-1]), weights));
}

async function gradsOn(backendName: string, c: GradCase): Promise<Record<string, Float32Array>> {
  await tf.setBackend(backendName);
  const vars = Object.fromEntries(
    Object.entries(c.variables).map(([k, h]) => [
      k,
      tf.variable(tf.tensor(h.values, h.shape), true, `${c.name}-${k}-${backendName}`),
    ]),
  );
  const consts = Object.fromEntries(
    Object.entries(c.constants ?? {}).map(([k, h]) => [
      k,
      tf.tensor(h.values, h.shape, h.dtype ?? 'float32'),
    ]),
  );
  const { value, grads } = tf.variableGrads(() => c.loss(vars, consts), Object.values(vars));
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = grads[v.name]!.dataSync() as Float32Array;
  tf.dispose([value, ...Object.values(grads), ...Object.values(vars), ...Object.values(consts)]);
  return out;
}

function gradCases(rng: Rng): GradCase[] {
  const r = (shape: number[]) => randomHost(rng, shape);
  return [
    {
      name: 'conv2d stride 2 same',
      variables: { x: r([2, 9, 8, 3]), w: r([3, 3, 3, 4]) },
      loss: ({ x, w }) => weightedSum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), 1),
    },
    {
      name: 'conv2d explicit padding',
      variables: { x: r([3, 7, 7, 2]), w: r([2, 3, 2, 3]) },
      loss: ({ x, w }) =>
        weightedSum(
          tf.conv2d(
            x as tf.Tensor4D,
            w as tf.Tensor4D,
            [1, 2],
            [
              [0, 0],
              [1, 0],
              [2, 1],
              [0, 0],
            ],
          ),
          2,
        ),
    },
    {
      name: 'conv1d (InceptionTime)',
      variables: { x: r([2, 17, 3]), w: r([5, 3, 4]) },
      loss: ({ x, w }) => weightedSum(tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, 'same'), 3),
    },
    {
      name: 'depthwiseConv2d multiplier 2',
      variables: { x: r([2, 8, 7, 3]), w: r([3, 3, 3, 2]) },
      loss: ({ x, w }) => weightedSum(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), 4),
    },
    {
      name: 'separableConv2d',
      variables: { x: r([1, 6, 6, 3]), dw: r([3, 3, 3, 1]), pw: r([1, 1, 3, 5]) },
      loss: ({ x, dw, pw }) =>
        weightedSum(
          tf.separableConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, pw as tf.Tensor4D, 1, 'valid'),
          5,
        ),
    },
    {
      name: 'conv2dTranspose (GAN upsampling)',
      variables: { x: r([2, 4, 4, 5]), w: r([4, 4, 3, 5]) },
      loss: ({ x, w }) =>
        weightedSum(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 8, 3], 2, 'same'), 6),
    },
    {
      name: 'gather (embedding lookup, repeated ids)',
      variables: { table: r([7, 4]) },
      constants: { ids: { values: [3, 1, 3, 0, 6], shape: [5], dtype: 'int32' } },
      loss: ({ table }, { ids }) => weightedSum(tf.gather(table!, ids as tf.Tensor1D), 7),
    },
    {
      name: 'gather axis 1',
      variables: { table: r([3, 6, 2]) },
      constants: { ids: { values: [5, 0, 5], shape: [3], dtype: 'int32' } },
      loss: ({ table }, { ids }) => weightedSum(tf.gather(table!, ids as tf.Tensor1D, 1), 8),
    },
    {
      // Needs replaceFaultyKernels: wasm's own MaxPoolGrad is wrong (native-wasm-bugs.test.ts).
      name: 'maxPool + avgPool + maxPool1d-style',
      variables: { x: r([2, 8, 8, 3]) },
      loss: ({ x }) =>
        tf.add(
          weightedSum(tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), 9),
          tf.add(
            weightedSum(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), 10),
            weightedSum(tf.maxPool(tf.reshape<tf.Rank.R4>(x!, [2, 1, 64, 3]), [1, 3], [1, 1], 'same'), 11),
          ),
        ),
    },
    {
      name: 'batchNorm + prelu + leakyRelu + global average pool',
      variables: { x: r([2, 5, 5, 3]), gamma: r([3]), beta: r([3]), alpha: r([3]) },
      loss: ({ x, gamma, beta, alpha }) => {
        const { mean, variance } = tf.moments(x!, [0, 1, 2]);
        const y = tf.batchNorm(x!, mean, variance, beta, gamma, 1e-3);
        return weightedSum(tf.mean(tf.leakyRelu(tf.prelu(y, alpha!), 0.1), [1, 2]), 12);
      },
    },
    {
      name: 'resizeBilinear + matMul (dense head)',
      variables: { x: r([2, 4, 4, 3]), w: r([48, 5]) },
      loss: ({ x, w }) =>
        weightedSum(
          tf.matMul(tf.reshape(tf.image.resizeBilinear(x as tf.Tensor4D, [4, 4]), [2, 48]), w as tf.Tensor2D),
          13,
        ),
    },
    {
      name: 'unsortedSegmentSum',
      variables: { x: r([6, 3]) },
      constants: { ids: { values: [2, 0, 2, 1, 0, 2], shape: [6], dtype: 'int32' } },
      loss: ({ x }, { ids }) => weightedSum(tf.unsortedSegmentSum(x!, ids as tf.Tensor1D, 3), 14),
    },
  ];
}

describe('tf.variableGrads on wasm with the registered kernels', () => {
  it('matches the cpu backend through the gradient of every training op the models use', async () => {
    registerWasmTrainingKernels({ replaceFaultyKernels: true });
    for (const c of gradCases(createRng('variable-grads'))) {
      const expected = await gradsOn('cpu', c);
      const actual = await gradsOn('wasm', c);
      for (const k of Object.keys(expected)) {
        expect(relativeError(actual[k]!, expected[k]!), `${c.name}: d/d${k}`).toBeLessThan(1e-4);
      }
    }
  });

  it('keeps a steady tensor count and sane engine state over repeated forward + backward steps', async () => {
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    const rng = createRng('steady');
    const x = tf.tensor4d(randomHost(rng, [2, 9, 9, 4]).values, [2, 9, 9, 4]);
    const w = tf.variable(tf.randomNormal<tf.Rank.R4>([3, 3, 4, 6]));
    const dw = tf.variable(tf.randomNormal<tf.Rank.R4>([3, 3, 6, 1]));
    const table = tf.variable(tf.randomNormal([10, 6]));
    const ids = tf.tensor1d([1, 4, 4, 9], 'int32');
    const before = engineState();
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      const { value, grads } = tf.variableGrads(() => {
        const y = tf.depthwiseConv2d(tf.relu(tf.conv2d(x, w, 2, 'same')), dw, 1, 'same');
        const pooled = tf.mean(y, [1, 2]); // [2, 6]
        const emb = tf.gather(table, ids); // [4, 6]
        return tf.add(tf.sum(tf.square(pooled)), tf.sum(tf.matMul(pooled, emb, false, true)));
      });
      tf.dispose([value, ...Object.values(grads)]);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    expect(engineState()).toEqual(before);
    tf.dispose([x, w, dw, table, ids]);
  });
});
