import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createRng, initBackend } from '@frx/tensor-utils';
import { countNewTensors, testBackend } from '@frx/tensor-utils/testing';

import { FaceHead, type HeadConfig } from './face-head';

const COSFACE: HeadConfig = {
  margin: 'cosface',
  scale: 2,
  marginM: 0.5,
  marginM1: 1,
  marginM3: 0,
  sampleRate: 1,
};

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('FaceHead', () => {
  it('computes the CosFace cross-entropy of a hand-worked case', () => {
    const head = new FaceHead(3, 2, COSFACE, 0);
    head.weight.assign(
      tf.tensor2d([
        [1, 0],
        [0, 1],
        [-1, 0],
      ]),
    );
    const embeddings = tf.tensor2d([[3, 0]]);
    const sample = head.sample(Int32Array.from([0]), createRng(1));
    expect(sample.index).toBeNull();
    const loss = head.loss(embeddings, sample);
    // cos = [1, 0, -1]; logits = s·[cos0 − m, cos1, cos2] = [1, 0, −2]; loss = −log softmax_0.
    const expected = -Math.log(Math.E / (Math.E + 1 + Math.exp(-2)));
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([loss, embeddings]);
    head.dispose();
  });

  it('Partial FC sampling keeps the batch classes, fills the budget and remaps labels', () => {
    const head = new FaceHead(10, 4, { ...COSFACE, sampleRate: 0.5 }, 0);
    const labels = Int32Array.from([7, 2, 7]);
    const sample = head.sample(labels, createRng(3));
    const index = Array.from(sample.index!);
    expect(index).toHaveLength(5); // ⌊0.5 · 10⌋
    expect(index).toEqual([...index].sort((a, b) => a - b));
    expect(new Set(index).size).toBe(5);
    expect(index).toContain(7);
    expect(index).toContain(2);
    expect(Array.from(sample.labels, (l) => index[l])).toEqual([7, 2, 7]);
    head.dispose();
  });

  it('gradients through the sampled rows reach only those rows, and loss leaks nothing', async () => {
    const head = new FaceHead(6, 3, { ...COSFACE, sampleRate: 0.5 }, 0);
    const sample = head.sample(Int32Array.from([1, 4]), createRng(5));
    const embeddings = tf.tensor2d([
      [1, 2, 3],
      [-1, 0, 2],
    ]);
    const { newTensors, result } = await countNewTensors(() => head.loss(embeddings, sample));
    expect(newTensors).toBe(1);
    result.dispose();
    const { grads, value } = tf.variableGrads(() => head.loss(embeddings, sample), [head.weight]);
    const g = grads[head.weight.name]!.arraySync() as number[][];
    const sampled = new Set(sample.index);
    g.forEach((row, c) => {
      const norm = Math.hypot(...row);
      if (sampled.has(c)) expect(norm).toBeGreaterThan(0);
      else expect(norm).toBe(0);
    });
    tf.dispose([grads, value, embeddings]);
    head.dispose();
  });
});
