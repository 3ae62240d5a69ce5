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

  // The stateful heads, checked against the papers' formulas worked in float64 here: features and centres
  // on axes, so every cosine is exact. Centres e0, e1, -e0; one row with label 0.
  const AXES = [
    [1, 0],
    [0, 1],
    [-1, 0],
  ];
  const softmaxLoss = (logits: number[], y: number) =>
    -logits[y]! + Math.log(logits.reduce((a, z) => a + Math.exp(z), 0));

  it('sub-center ArcFace: K rows per class, the class cosine is the best sub-centre', () => {
    const config: HeadConfig = { ...COSFACE, margin: 'subcenter', scale: 2, marginM: 0.5, subCenters: 2 };
    const head = new FaceHead(2, 2, config, 0);
    expect(head.weight.shape).toEqual([4, 2]);
    // Class 0: sub-centres at 60° and 0° from the feature; class 1: at 90° and 180°.
    const c60 = [Math.cos(Math.PI / 3), Math.sin(Math.PI / 3)];
    head.weight.assign(tf.tensor2d([c60, [1, 0], [0, 1], [-1, 0]]));
    const embeddings = tf.tensor2d([[2, 0]]);
    const loss = head.loss(embeddings, head.sample(Int32Array.from([0]), createRng(0)));
    // max over class 0 = cos 0 = 1 → target cos(0 + m); class 1: max(0, -1) = 0.
    const expected = softmaxLoss([2 * Math.cos(0.5), 0], 0);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([loss, embeddings]);
    head.dispose();
  });

  it('sub-center ArcFace with Partial FC gathers all K sub-centres of each sampled class', async () => {
    const config: HeadConfig = { ...COSFACE, margin: 'subcenter', subCenters: 3, sampleRate: 0.5 };
    const head = new FaceHead(6, 3, config, 0);
    const sample = head.sample(Int32Array.from([1, 4]), createRng(5));
    const embeddings = tf.tensor2d([
      [1, 2, 3],
      [-1, 0, 2],
    ]);
    const { grads, value } = tf.variableGrads(() => head.loss(embeddings, sample), [head.weight]);
    const g = grads[head.weight.name]!.arraySync() as number[][];
    const sampled = new Set(sample.index);
    g.forEach((row, r) => {
      if (!sampled.has(Math.floor(r / 3))) expect(Math.hypot(...row)).toBe(0);
    });
    // Label rows reach their best sub-centre at least.
    for (const c of [1, 4])
      expect(Math.max(...[0, 1, 2].map((k) => Math.hypot(...g[c * 3 + k]!)))).toBeGreaterThan(0);
    tf.dispose([grads, value]);
    const { newTensors, result } = await countNewTensors(() => head.loss(embeddings, sample));
    expect(newTensors).toBe(1);
    tf.dispose([result, embeddings]);
    head.dispose();
  });

  it('AdaCos starts at √2·ln(C − 1) and re-estimates s from the batch before the logits', async () => {
    const head = new FaceHead(3, 2, { ...COSFACE, margin: 'adacos' }, 0);
    const s0 = Math.SQRT2 * Math.log(2);
    expect(head.getState().adaCosScale).toBeCloseTo(s0, 12);
    head.weight.assign(tf.tensor2d(AXES));
    const embeddings = tf.tensor2d([[0.5, 0]]);
    const sample = head.sample(Int32Array.from([0]), createRng(0));
    const { newTensors, result: loss } = await countNewTensors(() => head.loss(embeddings, sample));
    expect(newTensors).toBe(1);
    // Zhang et al. 2019 eq. 16: B_avg = Σ_{j≠y} exp(s0·cos_j) = e^0 + e^{−s0}; θ_med = 0.
    const s1 = Math.log(1 + Math.exp(-s0)) / Math.cos(0);
    expect(head.getState().adaCosScale).toBeCloseTo(s1, 5);
    expect(loss.dataSync()[0]).toBeCloseTo(softmaxLoss([s1, 0, -s1], 0), 5);
    tf.dispose([loss, embeddings]);
    head.dispose();
  });

  it('CurricularFace updates t = 0.01·mean target cos + 0.99·t before the logits', async () => {
    const config: HeadConfig = { ...COSFACE, margin: 'curricularface', scale: 2, marginM: 0.5 };
    const head = new FaceHead(3, 2, config, 0);
    expect(head.getState()).toEqual({ curricularT: 0 });
    // Feature at 60° from centre 0 and 30° from centre 1: centre 1 is a hard negative.
    head.weight.assign(tf.tensor2d(AXES));
    const embeddings = tf.tensor2d([[Math.cos(Math.PI / 3), Math.sin(Math.PI / 3)]]);
    const sample = head.sample(Int32Array.from([0]), createRng(0));
    const { newTensors, result: loss } = await countNewTensors(() => head.loss(embeddings, sample));
    expect(newTensors).toBe(1);
    const t = 0.01 * 0.5;
    expect(head.getState().curricularT).toBeCloseTo(t, 7);
    // Huang et al. 2020 eq. 7-9: target cos(θ + m) (θ + m < π); negative cos_j > target → cos_j·(t + cos_j).
    const target = Math.cos(Math.PI / 3 + 0.5);
    const c1 = Math.cos(Math.PI / 6);
    const c2 = Math.cos((2 * Math.PI) / 3);
    const negative = (c: number) => (c > target ? c * (t + c) : c);
    expect(loss.dataSync()[0]).toBeCloseTo(
      softmaxLoss([2 * target, 2 * negative(c1), 2 * negative(c2)], 0),
      5,
    );
    head.setState({ curricularT: 0.25 });
    expect(head.getState()).toEqual({ curricularT: 0.25 });
    expect(() => head.setState({})).toThrow(/curricularT/);
    tf.dispose([loss, embeddings]);
    head.dispose();
  });

  it('MagFace: margin from the raw feature norm, plus the norm regulariser', async () => {
    const head = new FaceHead(3, 2, { ...COSFACE, margin: 'magface', scale: 4 }, 0);
    head.weight.assign(tf.tensor2d(AXES));
    const embeddings = tf.tensor2d([[60, 0]]);
    const sample = head.sample(Int32Array.from([0]), createRng(0));
    const { newTensors, result: loss } = await countNewTensors(() => head.loss(embeddings, sample));
    expect(newTensors).toBe(1);
    // Meng et al. 2021: a = 60 in [10, 110] → m(a) = 0.45 + (0.8 − 0.45)·(60 − 10)/100 = 0.625;
    // g(a) = a/u² + 1/a, weighted by λ_g = 20.
    const m = 0.45 + 0.35 * 0.5;
    const reg = 20 * (60 / 110 ** 2 + 1 / 60);
    expect(loss.dataSync()[0]).toBeCloseTo(softmaxLoss([4 * Math.cos(m), 0, -4], 0) + reg, 4);
    expect(head.getState()).toEqual({});
    tf.dispose([loss, embeddings]);
    head.dispose();
  });
});
