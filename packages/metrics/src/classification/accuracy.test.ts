import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { accuracy, confusionMatrix, topKAccuracy } from './accuracy';

describe('classification metrics (hand-worked)', () => {
  const scores = [
    [0.1, 0.7, 0.2], // top-1 = 1
    [0.5, 0.3, 0.2], // top-1 = 0
    [0.2, 0.3, 0.5], // top-1 = 2
    [0.4, 0.4, 0.2], // tie between 0 and 1: the lower id ranks first
  ];
  const labels = [1, 1, 0, 1];

  it('accuracy from class ids and from scores (arg-max, first maximum)', () => {
    expect(accuracy([1, 0, 2, 0], labels)).toBe(0.25);
    expect(accuracy(scores, labels)).toBe(0.25);
    const t = tf.tensor2d(scores);
    expect(accuracy(t, tf.tensor1d(labels, 'int32'))).toBe(0.25);
    t.dispose();
  });

  it('top-k: label among the k highest scores', () => {
    // ranks of the true class: 0, 1, 2, 1
    expect(topKAccuracy(scores, labels, 1)).toBe(0.25);
    expect(topKAccuracy(scores, labels, 2)).toBe(0.75);
    expect(topKAccuracy(scores, labels, 3)).toBe(1);
  });

  it('confusion matrix: rows are the truth, columns the prediction', () => {
    expect(confusionMatrix([1, 0, 2, 0], labels)).toEqual([
      [0, 0, 1],
      [2, 1, 0],
      [0, 0, 0],
    ]);
    expect(confusionMatrix([0, 1], [0, 0], 3)).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('rejects bad input naming index and value', () => {
    expect(() => topKAccuracy(scores, [1, 1, 3, 0])).toThrow(
      /label 3 at index 2 is not a class id in \[0, 3\)/,
    );
    expect(() => topKAccuracy(scores, labels, 0)).toThrow(/k must be a positive integer/);
    expect(() => accuracy([1, 2], [1])).toThrow(/2 predictions for 1 labels/);
    expect(() => confusionMatrix([0, 5], [0, 1], 3)).toThrow(/label 5 at index 1/);
  });
});
