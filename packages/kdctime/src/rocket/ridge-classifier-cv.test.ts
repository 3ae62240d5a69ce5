import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { RidgeClassifierCV, ROCKET_RIDGE_ALPHAS } from './ridge-classifier-cv';
import { symmetricEigen } from './symmetric-eigen';

interface RidgeCase {
  n: number;
  features: number;
  classes: number;
  X: number[][];
  codes: number[];
  Xtest: number[][];
  looErrors: number[];
  alpha: number;
  decision: number[][];
  predicted: number[];
}

// numpy (eigh) implementation of scikit-learn's _RidgeGCV gram mode: scripts/make_fixtures.py.
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/ridge.json', import.meta.url), 'utf8'),
) as {
  alphas: number[];
  cases: RidgeCase[];
};

describe('RidgeClassifierCV', () => {
  it('uses logspace(-3, 3, 10)', () => {
    fixture.alphas.forEach((a, i) => expect(ROCKET_RIDGE_ALPHAS[i]).toBeCloseTo(a, 10));
  });

  for (const c of fixture.cases) {
    it(`matches the numpy reference: n = ${c.n}, f = ${c.features}, K = ${c.classes}`, () => {
      const ridge = new RidgeClassifierCV().fit(c.X.flat(), c.features, c.codes, c.classes);
      const { alpha, looErrors } = ridge.fitSummary;
      looErrors.forEach((e, i) => expect(e).toBeCloseTo(c.looErrors[i]!, 8));
      expect(alpha).toBeCloseTo(c.alpha, 12);
      const decision = ridge.decisionFunction(c.Xtest.flat());
      c.decision.flat().forEach((d, i) => expect(decision[i]).toBeCloseTo(d, 8));
      expect(Array.from(ridge.predict(c.Xtest.flat()))).toEqual(c.predicted);
    });
  }

  it('separates two well-separated classes and rejects bad input', () => {
    const X = [0, 0, 0.1, 0, 5, 5, 5.1, 5];
    const ridge = new RidgeClassifierCV({ normalize: 'standard' }).fit(X, 2, [0, 0, 1, 1], 2);
    expect(Array.from(ridge.predict([0.05, 0, 5, 5.05]))).toEqual([0, 1]);
    expect(() => new RidgeClassifierCV().fit(X, 3, [0, 0, 1, 1], 2)).toThrow(/expected 4 × 3/);
    expect(() => new RidgeClassifierCV().fit(X, 2, [0, 0, 1, 2], 2)).toThrow(/codes\[3\] = 2/);
    expect(() => new RidgeClassifierCV({ alpha: 1 } as never)).toThrow(/unknown option "alpha"/);
    expect(() => new RidgeClassifierCV().predict([1, 2])).toThrow(/fit\(\) first/);
  });
});

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix: A·v = λ·v', () => {
    const n = 5;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = Math.sin(i * 3 + j * 7 + 1);
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + k]!;
        expect(av).toBeCloseTo(values[k]! * vectors[i * n + k]!, 10);
      }
    }
  });
});
