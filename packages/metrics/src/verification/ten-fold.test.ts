import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { kFoldRanges } from './k-fold';
import { tenFoldVerification } from './ten-fold';

interface ProtocolFigures {
  accuracy: number;
  std: number;
  threshold: number;
  foldAccuracies: number[];
  foldThresholds: number[];
  rocTpr?: number[];
  rocFpr?: number[];
  val?: number;
  valStd?: number;
  far?: number;
}

// Independent numpy implementation of both protocols: scripts/make-verification-fixtures.py.
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/verification.json', import.meta.url), 'utf8'),
) as {
  embeddingsA: number[][];
  embeddingsB: number[][];
  flippedA: number[][];
  flippedB: number[][];
  issame: boolean[];
  insightface: ProtocolFigures;
  insightfaceFlip: ProtocolFigures;
  faceXZoo: ProtocolFigures;
};

function expectClose(actual: number[], expected: number[], digits = 10): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(expected[i]!, digits));
}

describe('kFoldRanges', () => {
  it('matches scikit-learn KFold(shuffle=False): the first n % k folds get one extra item', () => {
    expect(kFoldRanges(23, 10).map(([s, e]) => e - s)).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
    expect(kFoldRanges(6000, 10)[9]).toEqual([5400, 6000]);
  });
});

describe('tenFoldVerification, insightface protocol', () => {
  // verification.md §1.4: 40 pairs, alternating issame, squared distances given; 1-D embeddings
  // [√d] vs [0] without normalisation reproduce them.
  const distances = [
    1.1135, 2.4325, 1.3085, 2.3865, 0.6905, 2.2385, 0.3075, 1.9585, 1.3365, 2.4205, 0.6945, 2.0375, 0.6315,
    1.7435, 0.9565, 1.4105, 1.5945, 1.7315, 1.1095, 2.0265, 0.5805, 2.0935, 1.0965, 1.4115, 0.3465, 1.5355,
    0.9065, 1.3355, 1.1185, 1.5015, 0.9465, 1.6215, 0.3155, 2.1275, 1.2005, 2.3835, 0.7805, 2.4655, 1.3795,
    1.4045,
  ];
  const issame = distances.map((_, i) => i % 2 === 0);

  it('reproduces the test vector of verification.md §1.4', () => {
    const result = tenFoldVerification(
      distances.map((d) => [Math.sqrt(d)]),
      distances.map(() => [0]),
      issame,
      { normalize: false },
    );
    expect(result.foldAccuracies).toEqual([1, 1, 0.75, 1, 0.75, 1, 0.75, 1, 1, 0.75]);
    expect(result.accuracy).toBeCloseTo(0.9, 12);
    expect(result.std).toBeCloseTo(0.122474, 6);
    expect(result.foldThresholds.map((t) => Math.round(t * 100))).toEqual([
      138, 138, 131, 138, 138, 138, 138, 138, 138, 131,
    ]);
  });

  it('matches the numpy reference on seeded embeddings (no flip)', () => {
    const r = tenFoldVerification(fixture.embeddingsA, fixture.embeddingsB, fixture.issame);
    const e = fixture.insightface;
    expectClose(r.foldAccuracies, e.foldAccuracies);
    expectClose(r.foldThresholds, e.foldThresholds);
    expect(r.accuracy).toBeCloseTo(e.accuracy, 12);
    expect(r.std).toBeCloseTo(e.std, 12);
    expect(r.threshold).toBeCloseTo(e.threshold, 12);
    expectClose(r.roc.tpr, e.rocTpr!);
    expectClose(r.roc.fpr, e.rocFpr!);
    expect(r.valAtFar!.val).toBeCloseTo(e.val!, 12);
    expect(r.valAtFar!.valStd).toBeCloseTo(e.valStd!, 12);
    expect(r.valAtFar!.far).toBeCloseTo(e.far!, 12);
  });

  it('matches the numpy reference with flip-sum embeddings', () => {
    const r = tenFoldVerification(fixture.embeddingsA, fixture.embeddingsB, fixture.issame, {
      flipped: { a: fixture.flippedA, b: fixture.flippedB },
    });
    const e = fixture.insightfaceFlip;
    expectClose(r.foldAccuracies, e.foldAccuracies);
    expectClose(r.foldThresholds, e.foldThresholds);
    expect(r.std).toBeCloseTo(e.std, 12);
    expect(r.valAtFar!.val).toBeCloseTo(e.val!, 12);
  });

  it('accepts number[][], flat Float32Array + dim and tf.Tensor2D alike', () => {
    const dim = fixture.embeddingsA[0]!.length;
    const reference = tenFoldVerification(fixture.embeddingsA, fixture.embeddingsB, fixture.issame, {
      farTarget: null,
    });
    const flat = tenFoldVerification(
      Float32Array.from(fixture.embeddingsA.flat()),
      Float32Array.from(fixture.embeddingsB.flat()),
      fixture.issame.map(Number),
      { dim, farTarget: null },
    );
    const a = tf.tensor2d(fixture.embeddingsA);
    const b = tf.tensor2d(fixture.embeddingsB);
    const tensors = tenFoldVerification(a, b, fixture.issame, { farTarget: null });
    tf.dispose([a, b]);
    // The fixture values are float32 numbers, so all three inputs carry the same values.
    expect(flat).toEqual(reference);
    expect(tensors).toEqual(reference);
    expect(reference.valAtFar).toBeUndefined();
  });

  it('rejects bad input with a message naming it', () => {
    const a = [
      [1, 0],
      [0, 1],
    ];
    expect(() => tenFoldVerification(a, [[1, 0]], [true, false], { folds: 2 })).toThrow(
      /embeddingsB \[1, 2\] differs/,
    );
    expect(() => tenFoldVerification(a, a, [true, false], { folds: 2, metric: 'cos' } as never)).toThrow(
      /unknown option 'metric'/,
    );
    expect(() =>
      tenFoldVerification(
        a,
        [
          [1, NaN],
          [0, 1],
        ],
        [true, false],
        { folds: 2 },
      ),
    ).toThrow(/NaN at row 0, column 1/);
    expect(() => tenFoldVerification(a, a, [true, 2], { folds: 2 })).toThrow(/value 2 at index 1/);
    expect(() => tenFoldVerification(new Float32Array(5), new Float32Array(5), [true], { dim: 2 })).toThrow(
      /'dim' dividing its length 5/,
    );
    expect(() => tenFoldVerification(a, a, [true, false])).toThrow(/'folds' must be an integer in \[2, 2\]/);
  });
});

describe('tenFoldVerification, FaceX-Zoo protocol', () => {
  it('matches the numpy reference (cosine, Youden threshold, standard error)', () => {
    const r = tenFoldVerification(fixture.embeddingsA, fixture.embeddingsB, fixture.issame, {
      protocol: 'faceXZoo',
    });
    const e = fixture.faceXZoo;
    expectClose(r.foldAccuracies, e.foldAccuracies);
    expectClose(r.foldThresholds, e.foldThresholds);
    expect(r.accuracy).toBeCloseTo(e.accuracy, 12);
    expect(r.std).toBeCloseTo(e.std, 12);
    expect(r.protocol).toBe('faceXZoo');
    expect(r.valAtFar).toBeUndefined();
    expect(r.roc.thresholds).toHaveLength(1000);
  });
});
