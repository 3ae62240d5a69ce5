import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import {
  adaCosLogits,
  adaCosScale,
  arcFaceLogits,
  combinedMarginLogits,
  cosFaceLogits,
  curricularFaceLogits,
  interClassFilter,
  magFaceLogits,
  magFaceRegularizer,
  MarginHead,
  marginCrossEntropy,
  normFaceLogits,
  softmaxLogits,
  sphereFaceLogits,
  subCenterArcFaceLogits,
  x2SoftmaxLogits,
  type MarginHeadMargin,
} from '../src/index';

// Expected values: PyTorch 1.13, float64, scripts/make-loss-fixtures.py (each method written from its
// reference code, independently of this package).
interface LossCase {
  name: string;
  method: string;
  options: Record<string, unknown>;
  input: 'cos' | 'sub';
  logits: number[][];
  loss: number;
  gradCos: number[][];
  gradNorms?: number[];
}
interface HeadCase {
  name: string;
  margin: MarginHeadMargin;
  loss: number;
  logits: number[][];
  gradFeatures: number[][];
  gradWeight: number[][];
}
interface Fixture {
  cos: number[][];
  subCenterCos: number[][];
  labels: number[];
  norms: number[];
  sphereNormScale: number;
  magFaceRegularizer: number;
  adaCosPreviousScale: number;
  features: number[][];
  weight: number[][];
  cases: LossCase[];
  heads: HeadCase[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/losses.json', import.meta.url), 'utf8'),
) as Fixture;

// float32 against float64 references, one tolerance for every backend. Logits scaled by up to 64 carry
// ~64 · 6e-8 rounding; the class-centre gradients are amplified by 1/‖w‖ ≈ 45 (centres drawn N(0, 0.01) as in
// arcface_torch, dim 8) after a cancelling sum, so the summation order alone moves some of them: index 22 of the
// MarginHead cases by 1.2e-5 on the cpu backend and up to 4e-5 on TensorFlow's (Eigen's blocked matmul and tree
// reductions; the same with oneDNN off), e.g. "arcFace exact" 0.51659 vs 0.51655. Measured 2026-12-06; the bound
// atol + rtol·|expected| = 5e-5 + 5e-5·|expected| leaves those a margin and still catches a wrong margin term
// (a CosFace margin off by 0.01 moves its target logit by s · 0.01 = 0.64 at s = 64).
const TOLERANCE = { rtol: 5e-5, atol: 5e-5 };

type Logits = (cos: tf.Tensor2D, labels: tf.Tensor1D, norms: tf.Tensor1D) => tf.Tensor2D;

function logitsFor(c: LossCase): Logits {
  const o = c.options as Record<string, never>;
  switch (c.method) {
    case 'softmax':
      return (cos, y) => softmaxLogits(cos, y, o);
    case 'normFace':
      return (cos, y) => normFaceLogits(cos, y, o);
    case 'cosFace':
      return (cos, y) => cosFaceLogits(cos, y, o);
    case 'arcFace':
      return (cos, y) => arcFaceLogits(cos, y, o);
    case 'combinedMargin':
      return (cos, y) => combinedMarginLogits(cos, y, o);
    case 'x2Softmax':
      return (cos, y) => x2SoftmaxLogits(cos, y, o);
    case 'sphereFace':
      return (cos, y, norms) =>
        sphereFaceLogits(cos, y, {
          m: 4,
          lambda: 5,
          featureNorms: tf.mul<tf.Tensor1D>(norms, fixture.sphereNormScale),
        });
    case 'curricularFace':
      return (cos, y) => curricularFaceLogits(cos, y, o);
    case 'magFace':
      return (cos, y, norms) => magFaceLogits(cos, y, { norms });
    case 'adaCos':
      return (cos, y) => adaCosLogits(cos, y, { s: c.options.s as number });
    case 'subCenterArcFace':
      return (cos, y) => subCenterArcFaceLogits(cos, y, o);
    case 'interClassFilterArcFace':
      return (cos, y) => arcFaceLogits(interClassFilter(cos, y, { threshold: 0.4 }), y);
    default:
      throw new Error(`no mapping for ${c.method}`);
  }
}

describe('margin logits, loss and gradients match PyTorch', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const make = logitsFor(c);
    const cos = tf.tensor2d(c.input === 'sub' ? fixture.subCenterCos : fixture.cos);
    const labels = tf.tensor1d(fixture.labels, 'int32');
    const norms = tf.tensor1d(fixture.norms);
    const logits = make(cos, labels, norms);
    expectTensorsClose(logits, c.logits, { ...TOLERANCE, label: `${c.name} logits` });
    const lossFn = (x: tf.Tensor, n: tf.Tensor): tf.Scalar => {
      const ce = marginCrossEntropy(make(x as tf.Tensor2D, labels, n as tf.Tensor1D), labels);
      return c.method === 'magFace' ? tf.add(ce, magFaceRegularizer(n as tf.Tensor1D)) : ce;
    };
    const { value, grads } = c.gradNorms
      ? tf.valueAndGrads(lossFn)([cos, norms])
      : tf.valueAndGrads((x: tf.Tensor) => lossFn(x, norms))([cos]);
    expectTensorsClose(value, c.loss, { ...TOLERANCE, label: `${c.name} loss` });
    expectTensorsClose(grads[0]!, c.gradCos, { ...TOLERANCE, label: `${c.name} d loss / d cos` });
    if (c.gradNorms)
      expectTensorsClose(grads[1]!, c.gradNorms, { ...TOLERANCE, label: `${c.name} d loss / d norms` });
    tf.dispose([cos, labels, norms, logits, value, grads]);
  });

  it('adaCosScale matches the PyTorch update', () => {
    const cos = tf.tensor2d(fixture.cos);
    const labels = tf.tensor1d(fixture.labels, 'int32');
    const expected = fixture.cases.find((c) => c.method === 'adaCos')!.options.s as number;
    expect(adaCosScale(cos, labels, { s: fixture.adaCosPreviousScale })).toBeCloseTo(expected, 5);
    tf.dispose([cos, labels]);
  });

  it('magFaceRegularizer matches PyTorch', () => {
    const norms = tf.tensor1d(fixture.norms);
    const reg = magFaceRegularizer(norms);
    expectTensorsClose(reg, fixture.magFaceRegularizer, TOLERANCE);
    tf.dispose([norms, reg]);
  });

  it.each(fixture.heads.map((h) => [h.name, h] as const))(
    'MarginHead %s: loss and gradients w.r.t. features and centres',
    (_name, h) => {
      const head = new MarginHead({ units: fixture.weight.length, margin: h.margin });
      const features = tf.variable(tf.tensor2d(fixture.features));
      const labels = tf.tensor1d(fixture.labels, 'int32');
      head.build(features.shape);
      head.setWeights([tf.tensor2d(fixture.weight)]);
      const kernel = head.trainableWeights[0]!.read() as tf.Variable;
      const logits = head.apply([features, labels]) as tf.Tensor2D;
      expectTensorsClose(logits, h.logits, { ...TOLERANCE, label: `${h.name} logits` });
      const { value, grads } = tf.variableGrads(
        () => marginCrossEntropy(head.apply([features, labels]) as tf.Tensor2D, labels),
        [features, kernel],
      );
      expectTensorsClose(value, h.loss, { ...TOLERANCE, label: `${h.name} loss` });
      expectTensorsClose(grads[features.name]!, h.gradFeatures, {
        ...TOLERANCE,
        label: `${h.name} d loss / d features`,
      });
      expectTensorsClose(grads[kernel.name]!, h.gradWeight, {
        ...TOLERANCE,
        label: `${h.name} d loss / d W`,
      });
      tf.dispose([features, labels, logits, value, grads, kernel]);
    },
  );
});
