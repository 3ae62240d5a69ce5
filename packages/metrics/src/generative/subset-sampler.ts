/**
 * A seeded sampler of `m` distinct indices out of `n` (partial Fisher–Yates) on a mulberry32 stream:
 * small, dependency-free and deterministic; not numpy's stream, so subsets differ from torch-fidelity's.
 */
export function createSubsetSampler(seed: number): (n: number, m: number) => number[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (n, m) => {
    const index = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < m; i++) {
      const j = i + Math.floor(next() * (n - i));
      [index[i], index[j]] = [index[j]!, index[i]!];
    }
    return index.slice(0, m);
  };
}
