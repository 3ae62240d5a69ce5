import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { calibrateByReordering } from './calibrate-by-reordering';
import { calibrateByTranslating } from './calibrate-by-translating';
import { teacherTargets } from './teacher-targets';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/losses.json', import.meta.url), 'utf8'),
) as {
  cases: { teacherLogits: number[][]; labels: number[]; kdctTargets: number[][]; kdcrLogits: number[][] }[];
};
const oneHot = (labels: number[], classes: number) =>
  tf.cast(tf.oneHot(labels, classes), 'float32') as tf.Tensor2D;

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('calibrateByTranslating (KDCT)', () => {
  // Hand-worked values of the reference notes (section 4).
  const cases: [number[], number, number[]][] = [
    [[0.2, 0.5, 0.3], 0, [0.771423, 0.142861, 0.085716]],
    [[0.4, 0.6], 0, [0.899995, 0.100005]],
    [[0.5, 0.5, 0], 1, [0.000005, 0.999995, 0]],
    [[0.1, 0.7, 0.2], 0, [0.649757, 0.272411, 0.077832]],
  ];
  for (const [q, y, expected] of cases) {
    it(`q = [${q.join(', ')}], y = ${y}`, () => {
      const out = calibrateByTranslating(tf.tensor2d([q]), oneHot([y], q.length));
      expectTensorsClose(out, [expected], { atol: 2e-6 });
    });
  }

  it('keeps correctly classified rows and stays a distribution', () => {
    const q = tf.tensor2d([
      [0.7, 0.2, 0.1],
      [0.3, 0.3, 0.4],
    ]);
    const out = calibrateByTranslating(q, oneHot([0, 1], 3));
    const values = out.arraySync();
    expect(values[0]).toEqual(q.arraySync()[0]);
    expect(values[1]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    for (const v of values[1]!) expect(v).toBeGreaterThanOrEqual(-1e-7);
  });

  it('matches the PyTorch translation on random batches', () => {
    for (const c of fixture.cases) {
      const labels = oneHot(c.labels, c.teacherLogits[0]!.length);
      expectTensorsClose(
        teacherTargets(tf.tensor2d(c.teacherLogits), labels, { calibration: 'translate' }),
        c.kdctTargets,
        {
          atol: 1e-6,
        },
      );
    }
  });

  it('rejects mismatched shapes and unknown options', () => {
    expect(() => calibrateByTranslating(tf.tensor2d([[0.5, 0.5]]), oneHot([0], 3))).toThrow(
      /\[batch, classes\]/,
    );
    expect(() =>
      calibrateByTranslating(tf.tensor2d([[0.5, 0.5]]), oneHot([0], 2), { step: 1 } as never),
    ).toThrow(/unknown option "step"/);
  });
});

describe('calibrateByReordering (KDCR)', () => {
  const z = [[1, 3, 2, 0.5]];
  it('moves the true class to the top and shifts the classes above it down', () => {
    expectTensorsClose(calibrateByReordering(tf.tensor2d(z), oneHot([2], 4)), [[1, 2, 3, 0.5]]);
    expectTensorsClose(calibrateByReordering(tf.tensor2d(z), oneHot([3], 4)), [[0.5, 2, 1, 3]]);
    expectTensorsClose(calibrateByReordering(tf.tensor2d(z), oneHot([1], 4)), z);
  });

  it('matches the PyTorch reordering on random batches', () => {
    for (const c of fixture.cases) {
      const labels = oneHot(c.labels, c.teacherLogits[0]!.length);
      expectTensorsClose(calibrateByReordering(tf.tensor2d(c.teacherLogits), labels), c.kdcrLogits, {
        atol: 1e-6,
      });
    }
  });
});

describe('calibration memory', () => {
  it('each function leaves only its result behind', async () => {
    const z = tf.tensor2d([
      [1, 3, 2],
      [0, 1, 2],
    ]);
    const y = oneHot([0, 2], 3);
    const calls = [
      () => calibrateByTranslating(tf.softmax<tf.Tensor2D>(z), y),
      () => calibrateByReordering(z, y),
      () => teacherTargets(z, y, { calibration: 'translate' }),
      () => teacherTargets(z, y, { calibration: 'reorder', temperature: 2 }),
      () => teacherTargets(z, y),
    ];
    // The softmax argument of the first call is created inside the counted function: allow for it.
    const allowed = [2, 1, 1, 1, 1];
    for (const [i, call] of calls.entries()) {
      const { result, newTensors } = await countNewTensors(call);
      expect(newTensors).toBe(allowed[i]);
      result.dispose();
    }
  });
});
