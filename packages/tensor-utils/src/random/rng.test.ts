import { describe, expect, it } from 'vitest';

import reference from '../../test/fixtures/xoshiro128.json';
import { createRng } from './rng';

describe('createRng', () => {
  it.each(reference)('matches the C reference xoshiro128** for seed $seed', ({ seed, uint32, float53 }) => {
    const rng = createRng(seed);
    expect(uint32.map(() => rng.nextUint32())).toEqual(uint32);
    expect(rng.next()).toBe(float53);
  });

  it('is reproducible and seed-sensitive', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(createRng('run-1').nextUint32()).toBe(createRng('run-1').nextUint32());
    expect(createRng('run-1').nextUint32()).not.toBe(createRng('run-2').nextUint32());
    expect(createRng(2 ** 40).nextUint32()).not.toBe(createRng(0).nextUint32());
  });

  it('draws uniform floats with the moments of U[0, 1)', () => {
    const rng = createRng(1);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
      sumSq += x * x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / n;
    // Standard error of the mean is sqrt(1/12 / n) ~ 6.5e-4; allow 5 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(3.3e-3);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(2e-3);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const rng = createRng(2);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.012); // 5 standard errors (1 / sqrt(n) = 2.2e-3)
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.016); // sd of the variance estimate: sqrt(2 / n)
    expect(createRng(3).normal(10, 0)).toBe(10);
  });

  it('draws unbiased integers (chi-square over 7 buckets)', () => {
    const rng = createRng(3);
    const counts = new Array<number>(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[rng.int(7)]!++;
    const expected = n / 7;
    const chi2 = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    // 6 degrees of freedom: P(chi2 > 22.46) = 0.001.
    expect(chi2).toBeLessThan(22.46);
    expect(() => rng.int(0)).toThrow(/n must be an integer/);
    expect(() => rng.int(1.5)).toThrow(/1.5/);
  });

  it('restores its state exactly, including a pending normal', () => {
    const rng = createRng(4);
    rng.normal();
    const state = JSON.parse(JSON.stringify(rng.getState()));
    const ahead = [rng.normal(), rng.next(), rng.int(1000)];
    const resumed = createRng(999);
    resumed.setState(state);
    expect([resumed.normal(), resumed.next(), resumed.int(1000)]).toEqual(ahead);
  });

  it('rejects invalid seeds and states', () => {
    expect(() => createRng(1.5)).toThrow(/safe integer/);
    expect(() => createRng(4).setState({ s: [0, 0, 0, 0], spareNormal: null })).toThrow(/all-zero/);
    expect(() => createRng(4).setState({ s: [1, 2, 3] as never, spareNormal: null })).toThrow(
      /four unsigned/,
    );
  });

  it('forks independent streams deterministically', () => {
    const parent = createRng(5);
    const child = parent.fork();
    const again = createRng(5).fork();
    const xs = Array.from({ length: 4 }, () => child.nextUint32());
    expect(Array.from({ length: 4 }, () => again.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 4 }, () => parent.nextUint32())).not.toEqual(xs);
    // Forks are valid generators whatever the parent's outputs (the last word has its top bit set
    // for about half of all parents).
    for (let k = 0; k < 64; k++) {
      const forked = createRng(k).fork();
      expect(forked.getState().s.every((w) => w >= 0 && w < 2 ** 32)).toBe(true);
      const copy = createRng(0);
      copy.setState(forked.getState());
      expect(copy.nextUint32()).toBe(forked.nextUint32());
    }
    const seed = createRng(6).seed();
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
  });
});
