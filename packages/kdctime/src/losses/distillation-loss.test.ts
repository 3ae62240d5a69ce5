import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { teacherTargets } from '../calibration/teacher-targets';
import { crossEntropyLoss } from './cross-entropy-loss';
import { distillationLoss } from './distillation-loss';
import { labelSmoothingLoss } from './label-smoothing-loss';

interface LossCase {
  studentLogits: number[][];
  teacherLogits: number[][];
  labels: number[];
  crossEntropy: number;
  labelSmoothing01: number;
  labelSmoothing05: number;
  'kd_0.9_1_mean': number;
  'kd_0.9_1_batchmean': number;
  'kd_0.5_8_mean': number;
  'kd_0.5_8_batchmean': number;
  'kdct_0.9': number;
  kdcr_1_1: number;
}

// PyTorch reference values (scripts/make_fixtures.py, following the KDCTime code's Loss.py definitions).
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/losses.json', import.meta.url), 'utf8'),
) as {
  cases: LossCase[];
};

const oneHot = (labels: number[], classes: number) =>
  tf.cast(tf.oneHot(labels, classes), 'float32') as tf.Tensor2D;
const value = (t: tf.Scalar) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('losses: the reference notes’ hand-worked cases', () => {
  const zs = () => tf.tensor2d([[2, 1, 0.1]]);
  const zt = () => tf.tensor2d([[1.5, 1.2, 0.3]]);
  const y = () => oneHot([0], 3);

  it('cross-entropy and LSTime(0.1)', () => {
    expect(value(crossEntropyLoss()(y(), zs()))).toBeCloseTo(0.41703, 5);
    expect(value(labelSmoothingLoss(0.1)(y(), zs()))).toBeCloseTo(0.513697, 5);
  });

  it('KDTime KD(0.9, 1) and KD(0.5, 8) in both reductions', () => {
    const soft1 = teacherTargets(zt(), y());
    const soft8 = teacherTargets(zt(), y(), { temperature: 8 });
    expect(value(distillationLoss({ alpha: 0.9, temperature: 1 })(y(), zs(), soft1))).toBeCloseTo(
      0.059792,
      5,
    );
    expect(value(distillationLoss({ alpha: 0.9, reduction: 'batchmean' })(y(), zs(), soft1))).toBeCloseTo(
      0.095969,
      5,
    );
    expect(value(distillationLoss({ alpha: 0.5, temperature: 8 })(y(), zs(), soft8))).toBeCloseTo(
      0.217932,
      5,
    );
    expect(
      value(distillationLoss({ alpha: 0.5, temperature: 8, reduction: 'batchmean' })(y(), zs(), soft8)),
    ).toBeCloseTo(0.236765, 5);
  });

  it('KDCT(0.9): translated targets, CE 1.104131, KL 0.137706, L 0.234348', () => {
    const labels = oneHot([0], 3);
    const targets = teacherTargets(tf.tensor2d([[1, 2, 0]]), labels, { calibration: 'translate' });
    expectTensorsClose(targets, [[0.773238, 0.199731, 0.027031]], { atol: 2e-6 });
    const loss = distillationLoss({ alpha: 0.9 })(labels, tf.tensor2d([[0.5, 1, -0.5]]), targets);
    expect(value(loss)).toBeCloseTo(0.234348, 5);
  });
});

describe('losses: PyTorch fixtures on random batches', () => {
  for (const [i, c] of fixture.cases.entries()) {
    it(`case ${i}: [${c.studentLogits.length}, ${c.studentLogits[0]!.length}]`, () => {
      const classes = c.studentLogits[0]!.length;
      const y = oneHot(c.labels, classes);
      const zs = tf.tensor2d(c.studentLogits);
      const zt = tf.tensor2d(c.teacherLogits);
      expect(value(crossEntropyLoss()(y, zs))).toBeCloseTo(c.crossEntropy, 5);
      expect(value(labelSmoothingLoss(0.1)(y, zs))).toBeCloseTo(c.labelSmoothing01, 5);
      expect(value(labelSmoothingLoss(0.5)(y, zs))).toBeCloseTo(c.labelSmoothing05, 5);
      const t1 = teacherTargets(zt, y);
      const t8 = teacherTargets(zt, y, { temperature: 8 });
      expect(value(distillationLoss({ alpha: 0.9 })(y, zs, t1))).toBeCloseTo(c['kd_0.9_1_mean'], 5);
      expect(value(distillationLoss({ alpha: 0.9, reduction: 'batchmean' })(y, zs, t1))).toBeCloseTo(
        c['kd_0.9_1_batchmean'],
        5,
      );
      expect(value(distillationLoss({ alpha: 0.5, temperature: 8 })(y, zs, t8))).toBeCloseTo(
        c['kd_0.5_8_mean'],
        5,
      );
      expect(
        value(distillationLoss({ alpha: 0.5, temperature: 8, reduction: 'batchmean' })(y, zs, t8)),
      ).toBeCloseTo(c['kd_0.5_8_batchmean'], 5);
      const kdct = teacherTargets(zt, y, { calibration: 'translate' });
      expect(value(distillationLoss({ alpha: 0.9 })(y, zs, kdct))).toBeCloseTo(c['kdct_0.9'], 5);
      const kdcr = teacherTargets(zt, y, { calibration: 'reorder' });
      expect(value(distillationLoss({ alpha: 1 })(y, zs, kdcr))).toBeCloseTo(c.kdcr_1_1, 5);
      tf.dispose([y, zs, zt, t1, t8, kdct, kdcr]);
    });
  }
});

describe('losses: gradients, errors, memory', () => {
  it('the distillation gradient is finite with exact zeros in the targets (0 · log 0 = 0)', () => {
    const targets = tf.tensor2d([[0, 1, 0]]);
    const grad = tf.grad((z: tf.Tensor) =>
      distillationLoss({ alpha: 0.9 })(oneHot([1], 3), z as tf.Tensor2D, targets),
    )(tf.tensor2d([[0.3, -0.2, 1.5]]));
    // d/dz of 0.1·CE + 0.9·KL/K with target e₁ = (0.1 + 0.9/3)·(softmax(z) − e₁).
    const p = tf.softmax(tf.tensor2d([[0.3, -0.2, 1.5]]));
    expectTensorsClose(grad, tf.mul(tf.sub(p, tf.tensor2d([[0, 1, 0]])), 0.1 + 0.9 / 3), { atol: 1e-6 });
  });

  it('rejects bad options and missing teacher targets', () => {
    expect(() => distillationLoss({ alpha: 2 })).toThrow(/alpha/);
    expect(() => distillationLoss({ temprature: 2 } as never)).toThrow(/unknown option "temprature"/);
    expect(() => distillationLoss()(oneHot([0], 2), tf.tensor2d([[1, 2]]))).toThrow(/teacher targets/);
    expect(() => labelSmoothingLoss(-0.1)).toThrow(/epsilon/);
  });

  it('every loss leaves only its result behind', async () => {
    const y = oneHot([0, 1], 3);
    const z = tf.tensor2d([
      [1, 2, 3],
      [0, 1, 0],
    ]);
    const t = tf.tensor2d([
      [0.2, 0.3, 0.5],
      [0.1, 0.8, 0.1],
    ]);
    for (const loss of [crossEntropyLoss(), labelSmoothingLoss(0.1), distillationLoss({ temperature: 4 })]) {
      const { result, newTensors } = await countNewTensors(() => loss(y, z, t));
      expect(newTensors).toBe(1);
      result.dispose();
    }
  });
});
