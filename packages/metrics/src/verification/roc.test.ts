import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { rocCurve, tarAtFar } from './roc';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/verification.json', import.meta.url), 'utf8'),
) as {
  issame: boolean[];
  roc: { scores: number[]; fpr: number[]; tpr: number[]; thresholds: number[] };
  tarAtFar: { targets: number[]; tar: number[] };
};

describe('rocCurve', () => {
  it('hand-worked: scores [0.9, 0.8, 0.7, 0.6, 0.5], labels [1, 0, 1, 1, 0]', () => {
    const roc = rocCurve([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 1, 0], { dropIntermediate: false });
    expect(roc.tpr).toEqual([0, 1 / 3, 1 / 3, 2 / 3, 1, 1]);
    expect(roc.fpr).toEqual([0, 0, 0.5, 0.5, 0.5, 1]);
    expect(roc.thresholds).toEqual([Infinity, 0.9, 0.8, 0.7, 0.6, 0.5]);
    // Collinear point (0.5, 2/3) dropped by default, as scikit-learn.
    expect(rocCurve([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 1, 0]).tpr).toEqual([0, 1 / 3, 1 / 3, 1, 1]);
  });

  it('groups tied scores into one point', () => {
    const roc = rocCurve([0.5, 0.5, 0.2], [true, false, true], { dropIntermediate: false });
    expect(roc.thresholds).toEqual([Infinity, 0.5, 0.2]);
    expect(roc.tpr).toEqual([0, 0.5, 1]);
    expect(roc.fpr).toEqual([0, 1, 1]);
  });

  it('matches the numpy re-implementation of scikit-learn roc_curve on seeded scores', () => {
    const roc = rocCurve(fixture.roc.scores, fixture.issame);
    expect(roc.fpr).toEqual(fixture.roc.fpr);
    expect(roc.tpr).toEqual(fixture.roc.tpr);
    expect(roc.thresholds.slice(1)).toEqual(fixture.roc.thresholds);
  });

  it('rejects one-class labels and non-finite scores', () => {
    expect(() => rocCurve([0.1, 0.2], [1, 1])).toThrow(/at least one positive and one negative/);
    expect(() => rocCurve([0.1, NaN], [1, 0])).toThrow(/score NaN at index 1/);
  });
});

describe('tarAtFar', () => {
  it('takes the ROC point with the nearest FPR (insightface eval_ijbc.py)', () => {
    const result = tarAtFar(fixture.roc.scores, fixture.issame, fixture.tarAtFar.targets);
    expect(result.map((r) => r.tar)).toEqual(fixture.tarAtFar.tar);
    result.forEach((r, i) => expect(r.far).toBe(fixture.tarAtFar.targets[i]));
  });

  it('hand-worked nearest point', () => {
    // ROC (drop intermediate): fpr [0, 0, 0.5, 0.5, 1], tpr [0, 1/3, 1/3, 1, 1].
    const [r] = tarAtFar([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 1, 0], [0.4]);
    expect(r).toEqual({ far: 0.4, tar: 1, actualFar: 0.5, threshold: 0.6 });
  });
});
