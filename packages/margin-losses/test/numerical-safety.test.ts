import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';

import {
  adaCosLogits,
  arcFaceLogits,
  combinedMarginLogits,
  cosFaceLogits,
  curricularFaceLogits,
  magFaceLogits,
  MarginHead,
  marginCrossEntropy,
  normFaceLogits,
  PartialFC,
  sphereFaceLogits,
  subCenterArcFaceLogits,
  x2SoftmaxLogits,
} from '../src/index';

type Fn = (cos: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor2D;

function allFinite(...tensors: tf.Tensor[]): boolean {
  return tensors.every((t) => Array.from(t.dataSync()).every(Number.isFinite));
}

describe('no NaN or Inf at cos = ±1, zero-norm features or huge s', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  // Targets at exactly +1 and −1, negatives at ±1 too, and an ignored row.
  const extremes = [
    [1, -1, 1],
    [-1, 1, -1],
    [1, 1, 1],
    [-1, -1, -1],
  ];
  const labelValues = [0, 0, 2, -1];

  const cases: Array<[string, (s: number) => Fn]> = [];
  for (const gradient of ['straightThrough', 'exact'] as const) {
    cases.push([`arcFace ${gradient}`, (s) => (c, y) => arcFaceLogits(c, y, { s, gradient })]);
    cases.push([
      `combined ${gradient}`,
      (s) => (c, y) => combinedMarginLogits(c, y, { s, m1: 1.2, gradient }),
    ]);
    cases.push([`x2Softmax ${gradient}`, (s) => (c, y) => x2SoftmaxLogits(c, y, { s, gradient })]);
    cases.push([
      `subCenter ${gradient}`,
      (s) => (c, y) => subCenterArcFaceLogits(c, y, { s, subCenters: 1, gradient }),
    ]);
  }
  cases.push(['normFace', (s) => (c, y) => normFaceLogits(c, y, { s })]);
  cases.push(['cosFace', (s) => (c, y) => cosFaceLogits(c, y, { s })]);
  cases.push([
    'sphereFace',
    (s) => (c, y) => sphereFaceLogits(c, y, { featureNorms: tf.fill([c.shape[0]], s) }),
  ]);
  cases.push(['curricularFace', (s) => (c, y) => curricularFaceLogits(c, y, { s, t: 0.9 })]);
  cases.push(['magFace', (s) => (c, y) => magFaceLogits(c, y, { s, norms: tf.tensor1d([0, 10, 200, 50]) })]);
  cases.push(['adaCos', (s) => (c, y) => adaCosLogits(c, y, { s })]);

  for (const s of [64, 1e6]) {
    it.each(cases)(`%s with s = ${s}`, (_name, make) => {
      const fn = make(s);
      const cos = tf.tensor2d(extremes);
      const labels = tf.tensor1d(labelValues, 'int32');
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor2D) => marginCrossEntropy(fn(x, labels), labels))(
        cos,
      );
      expect(allFinite(value, grad)).toBe(true);
      tf.dispose([cos, labels, value, grad]);
    });
  }

  it('MarginHead with a zero feature vector and a zero class centre', () => {
    for (const margin of [{ method: 'arcFace', gradient: 'exact' }, { method: 'x2Softmax' }] as const) {
      const head = new MarginHead({ units: 3, margin });
      const features = tf.variable(
        tf.tensor2d([
          [0, 0, 0, 0],
          [1, 2, 3, 4],
        ]),
      );
      const labels = tf.tensor1d([1, 0], 'int32');
      head.build(features.shape);
      head.setWeights([
        tf.tensor2d([
          [0, 0, 0, 0],
          [1, 0, 0, 0],
          [1, 2, 3, 4],
        ]),
      ]);
      const kernel = head.trainableWeights[0]!.read() as tf.Variable;
      const { value, grads } = tf.variableGrads(
        () => marginCrossEntropy(head.apply([features, labels]) as tf.Tensor2D, labels),
        [features, kernel],
      );
      expect(allFinite(value, grads[features.name]!, grads[kernel.name]!)).toBe(true);
      tf.dispose([features, labels, value, grads, kernel]);
    }
  });

  it('PartialFC with a zero feature vector', () => {
    const pfc = new PartialFC({ numClasses: 6, embeddingSize: 4, sampleRate: 0.5, seed: 3 });
    const loss = pfc.step(
      tf.tensor2d([
        [0, 0, 0, 0],
        [1, 0, 0, 0],
      ]),
      [2, 5],
    );
    expect(allFinite(loss, pfc.weight)).toBe(true);
    loss.dispose();
    pfc.dispose();
  });
});
