import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { InvalidOptionError, InvalidStateError } from '../errors';
import { Adam } from './adam';
import { AdamW } from './adam-w';
import { SGD } from './sgd';
import { excludeBiasAndNorm, isBiasOrNormParameter } from './variable-filter';

describe('ScheduledOptimizer state, options and filters', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  const loss = (w: tf.Variable, b: tf.Variable) => () =>
    tf.sum<tf.Scalar>(tf.square(tf.sub(tf.add(tf.matMul(tf.tensor2d([[1, 2, 3]]), w), b), 1)));

  it('state is keyed by variable name: a saved state resumes bit for bit even with the gradient order reversed', () => {
    const w = tf.variable(tf.tensor2d([[0.1], [-0.2], [0.3]]), true, 'state/w');
    const b = tf.variable(tf.tensor1d([0.05]), true, 'state/b');
    const a = new AdamW({ learningRate: 0.01, weightDecay: 0.1 });
    for (let i = 0; i < 3; i++) a.minimize(loss(w, b));
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const wSaved = w.arraySync();
    const bSaved = b.arraySync();
    for (let i = 0; i < 3; i++) a.minimize(loss(w, b));
    const wAfter = w.dataSync().slice();
    const bAfter = b.dataSync().slice();

    w.assign(tf.tensor2d(wSaved));
    b.assign(tf.tensor1d(bSaved));
    const restored = new AdamW({ learningRate: 0.5, weightDecay: 0.1 });
    restored.setState(saved);
    expect(restored.learningRate).toBe(0.01);
    expect(restored.iterations).toBe(3);
    for (let i = 0; i < 3; i++) {
      const { grads } = tf.variableGrads(loss(w, b), [b, w]);
      restored.applyGradients([
        { name: 'state/b', tensor: grads['state/b']! },
        { name: 'state/w', tensor: grads['state/w']! },
      ]);
      tf.dispose(grads);
    }
    expect(Array.from(w.dataSync())).toEqual(Array.from(wAfter));
    expect(Array.from(b.dataSync())).toEqual(Array.from(bAfter));
    tf.dispose([w, b]);
    a.dispose();
    restored.dispose();
  });

  it('setState rejects another kind or a slot whose shape does not match the variable', () => {
    const w = tf.variable(tf.zeros([2, 2]), true, 'bad/w');
    const sgd = new SGD({ learningRate: 0.1, momentum: 0.9 });
    const base = { kind: 'FrxSGD', version: 1, learningRate: 0.1, iterations: 1 };
    expect(() => sgd.setState({ ...base, kind: 'FrxAdam', variables: {} })).toThrow(InvalidStateError);
    expect(() =>
      sgd.setState({
        ...base,
        variables: { 'bad/w': { steps: 1, slots: { momentum: { shape: [4], values: [0, 0, 0, 0] } } } },
      }),
    ).toThrow(/variables\.bad\/w\.slots\.momentum.*shape \[4\], variable has \[2, 2\]/);
    w.dispose();
    sgd.dispose();
  });

  it('rejects unknown and invalid options by name', () => {
    expect(() => new SGD({ learningRate: 0.1, momentun: 0.9 } as never)).toThrow(InvalidOptionError);
    expect(() => new SGD({ learningRate: 0.1, nesterov: true })).toThrow(/'nesterov'/);
    expect(() => new Adam({ learningRate: 0.1, beta1: 1 })).toThrow(/'beta1'/);
    expect(() => new SGD({ learningRate: 0.1 }).setLearningRate(Number.NaN)).toThrow(/'learningRate'/);
  });

  it('excludeBiasAndNorm keeps decay off rank-1 and BatchNorm variables', () => {
    const kernel = tf.variable(tf.ones([2, 2]), true, 'dense/kernel');
    const bias = tf.variable(tf.ones([2]), true, 'dense/bias');
    const gamma = tf.variable(tf.ones([1, 1, 2]), true, 'bn/gamma');
    expect([kernel, bias, gamma].map((v) => isBiasOrNormParameter(v.name, v))).toEqual([false, true, true]);
    // Zero gradients: only the decay moves the weights (AdamW: w·(1 − lr·wd)).
    const optimizer = new AdamW({
      learningRate: 0.1,
      weightDecay: 0.5,
      weightDecayFilter: excludeBiasAndNorm,
    });
    optimizer.applyGradients({
      'dense/kernel': tf.zeros([2, 2]),
      'dense/bias': tf.zeros([2]),
      'bn/gamma': tf.zeros([1, 1, 2]),
    });
    expect(Array.from(kernel.dataSync())).toEqual([0.95, 0.95, 0.95, 0.95].map(Math.fround));
    expect(Array.from(bias.dataSync())).toEqual([1, 1]);
    expect(Array.from(gamma.dataSync())).toEqual([1, 1]);
    tf.dispose([kernel, bias, gamma]);
    optimizer.dispose();
  });
});
