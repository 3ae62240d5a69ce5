import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { cylinderBellFunnel } from '../data/cylinder-bell-funnel';
import { inceptionTime } from '../inception-time/inception-time';
import { accuracy, predictLogits, predictProbabilities } from './predict';
import { trainClassifier } from './train-classifier';
import { trainEnsemble } from './train-ensemble';
import { STUDENT_PRESETS, trainStudent } from './train-student';

const tiny = (seed: number) =>
  inceptionTime({ classes: 3, length: 128, depth: 3, filters: 4, kernelSizes: [10, 5], bottleneck: 4, seed });
const { train, test } = cylinderBellFunnel({ trainSize: 30, testSize: 60, seed: 5 });

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('trainClassifier', () => {
  it('learns CBF with a steady tensor count and restores the best-training-loss weights', async () => {
    const model = tiny(1);
    const counts: number[] = [];
    const snapshots: tf.Tensor[] = [];
    const history = await trainClassifier(model, train, {
      epochs: 25,
      batchSize: 8,
      learningRate: 0.01,
      seed: 1,
      onEpochEnd: () => {
        counts.push(tf.memory().numTensors);
        snapshots.push(tf.clone(model.weights[0]!.read()));
      },
    });
    // the snapshots themselves add one tensor per epoch
    counts.forEach((c, i) => expect(c - i).toBe(counts[0]));
    expect(history.losses).toHaveLength(25);
    expect(history.losses.at(-1)!).toBeLessThan(history.losses[0]! * 0.5);
    const best = history.losses.indexOf(Math.min(...history.losses));
    expect(history.keptEpoch).toBe(best);
    expectTensorsClose(model.weights[0]!.read(), snapshots[best]!);
    tf.dispose(snapshots);
    const logits = predictLogits(model, test.series);
    expect(accuracy(logits, test.codes)).toBeGreaterThan(0.6); // chance is 1/3
    logits.dispose();
    model.dispose();
  });

  it('steps StepLR per epoch and keeps the last weights with checkpoint "last"', async () => {
    const model = tiny(2);
    const history = await trainClassifier(model, train, {
      epochs: 5,
      batchSize: 'auto',
      schedule: 'step',
      stepSize: 2,
      stepGamma: 0.5,
      checkpoint: 'last',
    });
    expect(history.learningRates).toEqual([1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4]);
    expect(history.keptEpoch).toBe(4);
    model.dispose();
  });

  it('rejects unknown options and inconsistent data', async () => {
    const model = tiny(3);
    await expect(trainClassifier(model, train, { epoch: 3 } as never)).rejects.toThrow(
      /unknown option "epoch"/,
    );
    await expect(trainClassifier(model, { ...train, codes: [0, 1] }, { epochs: 1 })).rejects.toThrow(
      /2 codes for 30/,
    );
    await expect(trainClassifier(model, { ...train, classes: 2 }, { epochs: 1 })).rejects.toThrow(
      /codes\[\d+\] = 2/,
    );
    await expect(trainClassifier(model, train, { schedule: 'cosine' as never })).rejects.toThrow(/schedule/);
    model.dispose();
  });
});

describe('trainStudent', () => {
  it('distils precomputed, calibrated teacher outputs (KDCT) with a steady tensor count', async () => {
    const teacher = tiny(4);
    await trainClassifier(teacher, train, { epochs: 5, batchSize: 8, learningRate: 0.01 });
    const teacherLogits = predictLogits(teacher, train.series);
    const student = tiny(5);
    const counts: number[] = [];
    const history = await trainStudent(student, train, teacherLogits, {
      ...STUDENT_PRESETS.kdct,
      epochs: 6,
      batchSize: 8,
      learningRate: 0.01,
      onEpochEnd: () => void counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts).size).toBe(1);
    expect(history.losses.at(-1)!).toBeLessThan(history.losses[0]!);
    await expect(trainStudent(student, train, tf.zeros<tf.Rank.R2>([3, 3]), { epochs: 1 })).rejects.toThrow(
      /must be \[30, 3\]/,
    );
    await expect(trainStudent(student, train, teacherLogits, { loss: 1 } as never)).rejects.toThrow(
      /unknown option "loss"/,
    );
    teacherLogits.dispose();
    teacher.dispose();
    student.dispose();
  });
});

describe('trainEnsemble and predictions', () => {
  it('averages the members’ softmax outputs; predictions leave only their result behind', async () => {
    const { models, histories } = await trainEnsemble((i) => tiny(10 + i), train, { size: 2, epochs: 1 });
    expect(models).toHaveLength(2);
    expect(histories).toHaveLength(2);
    const { result: p, newTensors } = await countNewTensors(() =>
      predictProbabilities(models, test.series, 16),
    );
    expect(newTensors).toBe(1);
    const expected = tf.tidy(() =>
      tf.div(
        tf.add(
          tf.softmax(predictLogits(models[0]!, test.series)),
          tf.softmax(predictLogits(models[1]!, test.series)),
        ),
        2,
      ),
    );
    expectTensorsClose(p, expected, { atol: 1e-6 });
    const { result: logits, newTensors: n2 } = await countNewTensors(() =>
      predictLogits(models[0]!, test.series, 7),
    );
    expect(n2).toBe(1);
    expect(logits.shape).toEqual([60, 3]);
    tf.dispose([p, expected, logits]);
    models.forEach((m) => m.dispose());
    expect(
      accuracy(
        tf.tensor2d([
          [0.9, 0.1],
          [0.2, 0.8],
        ]),
        [0, 0],
      ),
    ).toBe(0.5);
  });
});
