import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createRng, initBackend, l2Normalize, randomNormalTensor } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { arcFaceLogits } from '../logits/arc-face';
import { marginCrossEntropy } from '../loss/cross-entropy';
import { PartialFC, samplePartialFCClasses } from './partial-fc';

/** The reference: a plain full-FC loss over the given centres (no sampling, no remapping). */
function fullLoss(features: tf.Tensor2D, weight: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const cos = tf.clipByValue(
      tf.matMul(l2Normalize(features, 1), l2Normalize(weight, 1), false, true),
      -1,
      1,
    ) as tf.Tensor2D;
    return marginCrossEntropy(arcFaceLogits(cos, labels), labels);
  });
}

describe('PartialFC', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('keeps every positive, samples ⌊rate·C⌋ sorted classes and remaps labels', () => {
    const pfc = new PartialFC({ numClasses: 1000, embeddingSize: 2, sampleRate: 0.1, seed: 5 });
    const labels = [17, 999, 17, -1, 0, 500];
    const { index, labels: remapped } = pfc.sample(labels);
    expect(index.length).toBe(100);
    for (let i = 1; i < index.length; i++) expect(index[i]!).toBeGreaterThan(index[i - 1]!);
    for (const y of [0, 17, 500, 999]) expect(index).toContain(y);
    labels.forEach((y, i) => expect(y === -1 ? remapped[i] : index[remapped[i]!]).toBe(y));
    // Seeded: the same seed gives the same selection, another seed another one.
    const again = new PartialFC({ numClasses: 1000, embeddingSize: 2, sampleRate: 0.1, seed: 5 }).sample(
      labels,
    );
    const other = new PartialFC({ numClasses: 1000, embeddingSize: 2, sampleRate: 0.1, seed: 6 }).sample(
      labels,
    );
    expect(Array.from(again.index)).toEqual(Array.from(index));
    expect(Array.from(other.index)).not.toEqual(Array.from(index));
    expect(() => pfc.sample([1000])).toThrow(/label 1000 at position 0 is outside \[0, 1000\)/);
  });

  it('samples negatives uniformly', () => {
    const pfc = new PartialFC({ numClasses: 20, embeddingSize: 1, sampleRate: 0.5, seed: 1 });
    const hits = new Array<number>(20).fill(0);
    const rounds = 2000;
    for (let r = 0; r < rounds; r++) for (const c of pfc.sample([3]).index) hits[c]!++;
    expect(hits[3]).toBe(rounds);
    // 9 of the 19 negatives per round: expected share 9/19 = 0.4737, binomial sd ≈ 0.011.
    for (let c = 0; c < 20; c++) if (c !== 3) expect(Math.abs(hits[c]! / rounds - 9 / 19)).toBeLessThan(0.05);
    pfc.dispose();
  });

  it('sampleRate 1: equals full-FC SGD with momentum (tf.train.momentum) over steps, across setLearningRate', () => {
    const rng = createRng(11);
    const w0 = randomNormalTensor([8, 5], rng, { stddev: 0.5 }) as tf.Tensor2D;
    const x = randomNormalTensor([6, 5], rng) as tf.Tensor2D;
    const labels = [0, 3, 3, 7, 1, 2];
    const y = tf.tensor1d(labels, 'int32');
    const pfc = new PartialFC({
      numClasses: 8,
      embeddingSize: 5,
      sampleRate: 1,
      learningRate: 0.05,
      momentum: 0.9,
      weightDecay: 0,
      initialWeight: w0,
    });
    const reference = tf.variable(w0.clone());
    const optimizer = tf.train.momentum(0.05, 0.9);
    for (let step = 0; step < 5; step++) {
      if (step === 3) {
        // a scheduler moving the rate mid-run
        pfc.setLearningRate(0.2);
        optimizer.setLearningRate(0.2);
      }
      tf.dispose(pfc.step(x, labels));
      tf.dispose(optimizer.minimize(() => fullLoss(x, reference, y), true, [reference]) ?? []);
    }
    expect(pfc.learningRate).toBe(0.2);
    expectTensorsClose(pfc.weight, reference, { atol: 1e-5, rtol: 1e-4 });
    expect(() => pfc.setLearningRate(-1)).toThrow(/learningRate' must be ≥ 0, got -1/);
    expect(() => pfc.setLearningRate(Number.NaN)).toThrow(/learningRate/);
    pfc.dispose();
    optimizer.dispose();
    tf.dispose([w0, x, y, reference]);
  });

  it('samplePartialFCClasses: PartialFC.sample as a function of an RNG; -1 rows and bad rates', () => {
    const pfc = new PartialFC({ numClasses: 300, embeddingSize: 2, sampleRate: 0.1, seed: 8 });
    const rng = createRng(8); // the instance's stream
    for (const labels of [[5, 299, 5, -1], [0], [-1, -1]]) {
      const a = pfc.sample(labels);
      const b = samplePartialFCClasses(labels, 300, 0.1, rng);
      expect(Array.from(b.index)).toEqual(Array.from(a.index));
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(b.index).toHaveLength(30);
    }
    const { index, labels } = samplePartialFCClasses([5, -1, 299], 300, 0.1, createRng(1));
    expect(labels[1]).toBe(-1);
    expect(index[labels[0]!]).toBe(5);
    expect(index[labels[2]!]).toBe(299);
    expect(() => samplePartialFCClasses([1], 300, 0, rng)).toThrow(/sampleRate must be in \(0, 1\], got 0/);
    expect(() => samplePartialFCClasses([300], 300, 0.5, rng, 'Head')).toThrow(
      /Head: label 300 at position 0/,
    );
    pfc.dispose();
  });

  it('getRngState / setRngState: a restored (JSON round-tripped) state repeats the class sampling', () => {
    const pfc = new PartialFC({ numClasses: 500, embeddingSize: 2, sampleRate: 0.05, seed: 3 });
    pfc.sample([1, 2]);
    const state = JSON.parse(JSON.stringify(pfc.getRngState())) as ReturnType<PartialFC['getRngState']>;
    const first = Array.from(pfc.sample([7]).index);
    const second = Array.from(pfc.sample([7]).index);
    expect(second).not.toEqual(first);
    pfc.setRngState(state);
    expect(Array.from(pfc.sample([7]).index)).toEqual(first);
    expect(Array.from(pfc.sample([7]).index)).toEqual(second);
    pfc.dispose();
  });

  it('sampleRate < 1: sampled rows get the gradient of the sub-matrix loss, the others stay untouched', () => {
    const rng = createRng(2);
    const w0 = randomNormalTensor([50, 4], rng, { stddev: 0.3 }) as tf.Tensor2D;
    const x = randomNormalTensor([3, 4], rng) as tf.Tensor2D;
    const labels = [4, 40, 4];
    const options = {
      numClasses: 50,
      embeddingSize: 4,
      sampleRate: 0.2,
      learningRate: 0.1,
      momentum: 0.9,
      weightDecay: 1e-3,
      seed: 9,
    };
    // Predict the selection with an identically seeded twin.
    const { index, labels: remapped } = new PartialFC({ ...options, initialWeight: w0 }).sample(labels);
    const pfc = new PartialFC({ ...options, initialWeight: w0 });
    const loss = pfc.step(x, labels);

    const indexTensor = tf.tensor1d(index, 'int32');
    const sub = tf.gather<tf.Tensor2D>(w0, indexTensor);
    const y = tf.tensor1d(remapped, 'int32');
    const { value, grad } = tf.valueAndGrad((w: tf.Tensor2D) => fullLoss(x, w, y))(sub);
    expectTensorsClose(loss, value, { atol: 1e-6 });
    // First step: v = g + wd·w, w ← w − lr·v.
    const expectedRows = tf.sub(sub, tf.mul(tf.add(grad, tf.mul(sub, 1e-3)), 0.1));
    const updated = pfc.weight.arraySync();
    const initial = w0.arraySync();
    const rows = expectedRows.arraySync() as number[][];
    const selected = new Set(index);
    for (let c = 0; c < 50; c++) {
      if (selected.has(c))
        expectTensorsClose(updated[c]!, rows[index.indexOf(c)]!, { atol: 1e-6, label: `row ${c}` });
      else expect(updated[c]).toEqual(initial[c]);
    }
    expectTensorsClose(tf.gather(pfc.velocity!, indexTensor), tf.add(grad, tf.mul(sub, 1e-3)), {
      atol: 1e-6,
    });
    pfc.dispose();
  });

  it('trains a backbone variable through step() with a steady tensor count', async () => {
    const rng = createRng(4);
    const backbone = tf.variable(randomNormalTensor([3, 4], rng, { stddev: 0.5 }));
    const inputs = randomNormalTensor([8, 3], rng) as tf.Tensor2D;
    const labels = [0, 1, 2, 3, 4, 5, 6, 7];
    const pfc = new PartialFC({
      numClasses: 30,
      embeddingSize: 4,
      sampleRate: 0.5,
      seed: 2,
      margin: (c, y) => arcFaceLogits(c, y, { s: 8, m: 0.1 }),
    });
    const optimizer = tf.train.sgd(0.1);
    const run = () => {
      const loss = pfc.step(() => tf.matMul(inputs, backbone), labels, { variables: [backbone], optimizer });
      const v = loss.dataSync()[0]!;
      loss.dispose();
      return v;
    };
    const first = run();
    const counts: number[] = [];
    let last = first;
    for (let i = 0; i < 40; i++) {
      const { result, newTensors } = await countNewTensors(run);
      counts.push(newTensors);
      last = result;
    }
    expect(new Set(counts)).toEqual(new Set([0]));
    expect(last).toBeLessThan(first);
    expect(() => pfc.step(inputs, labels, { variables: [backbone] })).toThrow(/'optimizer' is required/);
    pfc.dispose();
    optimizer.dispose();
  });
});
