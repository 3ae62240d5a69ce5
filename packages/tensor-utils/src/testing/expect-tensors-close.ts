import type { Tensor, TypedArray } from '@tensorflow/tfjs-core';

/** Tolerances for {@link expectTensorsClose}. */
export interface CloseOptions {
  /** Relative tolerance: |a - e| <= atol + rtol * |e|. Default `1e-5`. */
  rtol?: number;
  /** Absolute tolerance. Default `1e-6`. */
  atol?: number;
  /** A label put in front of the error message, e.g. the case being tested. Default none. */
  label?: string;
}

type Numeric = Tensor | TypedArray | number[] | number[][] | number[][][] | number[][][][] | number;

interface Flat {
  shape: number[];
  values: ArrayLike<number>;
}

function flatten(x: Numeric): Flat {
  if (typeof x === 'number') return { shape: [], values: [x] };
  if (ArrayBuffer.isView(x)) return { shape: [x.length], values: x };
  if (Array.isArray(x)) {
    const shape: number[] = [];
    let level: unknown = x;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    return { shape, values: (x as unknown[]).flat(Infinity) as number[] };
  }
  return { shape: x.shape.slice(), values: x.dataSync() };
}

/**
 * Asserts that two tensors (or nested arrays, typed arrays, numbers) have the same shape and are
 * element-wise close, numpy `allclose` style: `|actual - expected| <= atol + rtol * |expected|`.
 * NaN only matches NaN; infinities must match exactly.
 *
 * Throws an `Error` naming the first mismatching flat index, both values, the worst offender and the
 * number of mismatches, so a failing test says where it broke. Reads tensor data synchronously and
 * creates no tensors.
 *
 * @example
 * expectTensorsClose(tf.add(a, b), [[2, 4]], { rtol: 1e-6 });
 */
export function expectTensorsClose(actual: Numeric, expected: Numeric, options: CloseOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-6, label } = options;
  const prefix = label ? `${label}: ` : '';
  const a = flatten(actual);
  const e = flatten(expected);
  const typedOrScalar = (x: Numeric) => typeof x === 'number' || ArrayBuffer.isView(x);
  // Typed arrays and numbers carry no shape of their own: compare sizes only.
  const shapesComparable = !typedOrScalar(actual) && !typedOrScalar(expected);
  if (shapesComparable && a.shape.join(',') !== e.shape.join(',')) {
    throw new Error(`${prefix}shape [${a.shape.join(', ')}] differs from expected [${e.shape.join(', ')}]`);
  }
  if (a.values.length !== e.values.length) {
    throw new Error(`${prefix}size ${a.values.length} differs from expected size ${e.values.length}`);
  }
  let mismatches = 0;
  let first = -1;
  let worst = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < a.values.length; i++) {
    const av = a.values[i]!;
    const ev = e.values[i]!;
    let ok: boolean;
    let excess = 0;
    if (Number.isNaN(ev) || Number.isNaN(av)) ok = Number.isNaN(ev) && Number.isNaN(av);
    else if (!Number.isFinite(ev) || !Number.isFinite(av)) ok = av === ev;
    else {
      const diff = Math.abs(av - ev);
      const bound = atol + rtol * Math.abs(ev);
      ok = diff <= bound;
      excess = diff - bound;
    }
    if (!ok) {
      mismatches++;
      if (first < 0) first = i;
      if (!(excess <= worstExcess)) {
        worstExcess = excess;
        worst = i;
      }
    }
  }
  if (mismatches > 0) {
    const fmt = (i: number) => `index ${i}: got ${a.values[i]}, expected ${e.values[i]}`;
    throw new Error(
      `${prefix}${mismatches} of ${a.values.length} values differ (rtol ${rtol}, atol ${atol}); ` +
        `first at ${fmt(first)}; worst at ${fmt(worst)}`,
    );
  }
}
