import { describe, expect, it } from 'vitest';

import { createRng } from './rng';
import { permutation, sampleWithoutReplacement, shuffle } from './shuffle';

describe('shuffle', () => {
  it('gives all 6 orders of 3 items equally often (chi-square)', () => {
    const rng = createRng(10);
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = shuffle(['a', 'b', 'c'], rng).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const chi2 = [...counts.values()].reduce((acc, c) => acc + (c - n / 6) ** 2 / (n / 6), 0);
    expect(chi2).toBeLessThan(20.52); // 5 degrees of freedom, p = 0.001
  });

  it('is a reproducible permutation', () => {
    const p = permutation(100, createRng(11));
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect([...permutation(100, createRng(11))]).toEqual([...p]);
    expect([...p]).not.toEqual([...Array(100).keys()]);
    expect(() => permutation(-1, createRng(1))).toThrow(/non-negative/);
  });
});

describe('sampleWithoutReplacement', () => {
  it('draws distinct indices in range, each equally likely', () => {
    const rng = createRng(12);
    const counts = new Array<number>(10).fill(0);
    for (let trial = 0; trial < 20_000; trial++) {
      const s = sampleWithoutReplacement(10, 3, rng);
      expect(new Set(s).size).toBe(3);
      for (const i of s) counts[i]!++;
    }
    const expected = (20_000 * 3) / 10;
    const chi2 = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88); // 9 degrees of freedom, p = 0.001
  });

  it('handles k = n and k = 0, and a huge n cheaply', () => {
    const rng = createRng(13);
    expect([...sampleWithoutReplacement(5, 5, rng)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(sampleWithoutReplacement(5, 0, rng).length).toBe(0);
    const big = sampleWithoutReplacement(10_000_000, 1000, rng);
    expect(new Set(big).size).toBe(1000);
    expect(() => sampleWithoutReplacement(3, 4, rng)).toThrow(/k must be/);
  });
});
