import type { Rng } from './rng';

/**
 * Shuffles `array` in place with the Fisher-Yates algorithm driven by `rng`, and returns it.
 * Every permutation is equally likely (given an unbiased `rng.int`).
 *
 * @example
 * shuffle(indices, createRng(seed));
 */
export function shuffle<T, A extends { length: number; [i: number]: T }>(array: A, rng: Rng): A {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = array[i]!;
    array[i] = array[j]!;
    array[j] = tmp;
  }
  return array;
}

/**
 * A random permutation of `0 .. n-1` as an `Int32Array`.
 *
 * @param n length, a non-negative integer.
 */
export function permutation(n: number, rng: Rng): Int32Array {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`permutation: n must be a non-negative integer, got ${n}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffle(out, rng);
}

/**
 * `k` distinct indices drawn uniformly from `0 .. n-1` without replacement (partial Fisher-Yates
 * over a sparse map: O(k) time and memory, so it suits sampling a few classes out of millions).
 *
 * @returns an `Int32Array` of length `k`, in draw order.
 */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Int32Array {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`sampleWithoutReplacement: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new RangeError(`sampleWithoutReplacement: k must be an integer in [0, ${n}], got ${k}`);
  const swapped = new Map<number, number>();
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const atJ = swapped.get(j) ?? j;
    const atI = swapped.get(i) ?? i;
    out[i] = atJ;
    swapped.set(j, atI);
  }
  return out;
}
