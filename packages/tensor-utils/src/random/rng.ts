/**
 * Seeded pseudo-random numbers for reproducible training runs: xoshiro128** (Blackman & Vigna 2018),
 * seeded through SplitMix32 so that nearby seeds give unrelated streams. 128 bits of state, period
 * 2^128 - 1, fast in JavaScript's 32-bit integer arithmetic, and its state is four numbers that
 * serialise to JSON for checkpoints.
 */

/** The full state of an {@link Rng}, JSON-serialisable, for checkpoint and resume. */
export interface RngState {
  /** The four 32-bit words of xoshiro128** (unsigned). */
  s: [number, number, number, number];
  /** The second normal variate of the last Box-Muller pair, if not used yet. */
  spareNormal: number | null;
}

/** A seeded random-number generator. Create with {@link createRng}. */
export interface Rng {
  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number;
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform integer in [0, n), unbiased (rejection sampling). `n` must be an integer in [1, 2^32]. */
  int(n: number): number;
  /** A uniform float in [min, max). */
  uniform(min?: number, max?: number): number;
  /** A normal variate (Box-Muller). Defaults: mean 0, std 1. */
  normal(mean?: number, std?: number): number;
  /** A 31-bit integer seed for APIs that take one (e.g. tfjs initializers' `seed`), drawn from this stream. */
  seed(): number;
  /** An independent generator derived from this one's next outputs (advances this one). */
  fork(): Rng;
  /** A snapshot of the state; `restore(state)` continues from it exactly. */
  getState(): RngState;
  /** Continues from a state returned by `getState()`. */
  setState(state: RngState): void;
}

function splitMix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over the UTF-16 code units of a string: turns a string seed into 32 bits. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function seedToUint32(seed: number | string): number {
  if (typeof seed === 'string') return hashString(seed);
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`createRng: seed must be a safe integer or a string, got ${seed}`);
  // Fold the high bits in so that seeds above 2^32 still differ.
  const high = Math.floor(seed / 2 ** 32);
  return (seed ^ Math.imul(high, 0x9e3779b9)) >>> 0;
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

class Xoshiro128 implements Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed32: number) {
    const sm = splitMix32(seed32);
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32)
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    // Reject the top partial block of 2^32 so every residue is equally likely.
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  uniform(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  seed(): number {
    return this.nextUint32() >>> 1;
  }

  fork(): Rng {
    const child = new Xoshiro128(0);
    child.setState({
      s: [this.nextUint32(), this.nextUint32(), this.nextUint32(), (this.nextUint32() | 1) >>> 0],
      spareNormal: null,
    });
    return child;
  }

  getState(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spare };
  }

  setState(state: RngState): void {
    const s = state?.s;
    if (
      !Array.isArray(s) ||
      s.length !== 4 ||
      !s.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
    ) {
      throw new TypeError('Rng.setState: state.s must be four unsigned 32-bit integers');
    }
    if (s.every((w) => w === 0))
      throw new TypeError('Rng.setState: the all-zero state is invalid for xoshiro128**');
    if (state.spareNormal !== null && typeof state.spareNormal !== 'number') {
      throw new TypeError('Rng.setState: state.spareNormal must be a number or null');
    }
    [this.s0, this.s1, this.s2, this.s3] = s;
    this.spare = state.spareNormal;
  }
}

/**
 * Creates a seeded random-number generator (xoshiro128**, seeded via SplitMix32).
 * The same seed gives the same sequence on every platform and backend.
 *
 * @param seed a safe integer or a string (hashed with FNV-1a).
 *
 * @example
 * const rng = createRng(42);
 * rng.next();      // uniform [0, 1)
 * rng.int(10);     // 0..9
 * rng.normal();    // N(0, 1)
 * tf.initializers.randomNormal({ stddev: 0.1, seed: rng.seed() });
 */
export function createRng(seed: number | string): Rng {
  return new Xoshiro128(seedToUint32(seed));
}
