import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Embeddings of one side of the pairs: a nested array `[pairs][dim]`, a flat `Float32Array` /
 * `Float64Array` of `pairs · dim` values (give `dim` in the options), or a `tf.Tensor2D` `[pairs, dim]`
 * (read synchronously; tfjs is not required otherwise).
 */
export type EmbeddingsInput = number[][] | Float32Array | Float64Array | Tensor;

/** Thrown for malformed metric inputs; the message names the argument, index and value. */
export class MetricInputError extends TypeError {
  override readonly name = 'MetricInputError';
}

/** Row-major float64 matrix. */
export interface Matrix {
  rows: number;
  dim: number;
  data: Float64Array;
}

function isTensor(x: unknown): x is Tensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    'dataSync' in x &&
    'shape' in x &&
    Array.isArray((x as Tensor).shape)
  );
}

/** Converts any {@link EmbeddingsInput} to a float64 matrix, checking shape and finiteness. */
export function toMatrix(input: EmbeddingsInput, name: string, dim?: number): Matrix {
  let rows: number;
  let width: number;
  let data: Float64Array;
  if (isTensor(input)) {
    if (input.shape.length !== 2) {
      throw new MetricInputError(
        `${name}: expected a [pairs, dim] tensor, got shape [${input.shape.join(', ')}]`,
      );
    }
    [rows, width] = input.shape as [number, number];
    data = Float64Array.from(input.dataSync() as ArrayLike<number>);
  } else if (input instanceof Float32Array || input instanceof Float64Array) {
    if (dim === undefined || !Number.isInteger(dim) || dim < 1 || input.length % dim !== 0) {
      throw new MetricInputError(
        `${name}: a flat typed array needs the option 'dim' dividing its length ${input.length}, got ${String(dim)}`,
      );
    }
    width = dim;
    rows = input.length / dim;
    data = Float64Array.from(input);
  } else if (Array.isArray(input)) {
    rows = input.length;
    width = rows > 0 ? (input[0]?.length ?? 0) : (dim ?? 0);
    data = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) {
      const row = input[i];
      if (!Array.isArray(row) || row.length !== width) {
        throw new MetricInputError(
          `${name}: row ${i} has length ${row?.length ?? 'none'}, expected ${width}`,
        );
      }
      for (let j = 0; j < width; j++) data[i * width + j] = row[j]!;
    }
  } else {
    throw new MetricInputError(
      `${name}: expected number[][], a flat Float32Array with 'dim', or a tf.Tensor2D`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new MetricInputError(
        `${name}: value ${data[i]} at row ${Math.floor(i / width)}, column ${i % width} is not finite`,
      );
    }
  }
  return { rows, dim: width, data };
}

/** In-place `x / ‖x‖` per row; zero rows stay zero (sklearn `preprocessing.normalize`). */
export function normalizeRows(m: Matrix): Matrix {
  const { rows, dim, data } = m;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += data[i * dim + j]! ** 2;
    const norm = Math.sqrt(sum);
    if (norm === 0) continue;
    for (let j = 0; j < dim; j++) data[i * dim + j]! /= norm;
  }
  return m;
}

/** Element-wise sum of two matrices of the same shape (flip-sum test-time augmentation). */
export function addMatrices(a: Matrix, b: Matrix, name: string): Matrix {
  if (a.rows !== b.rows || a.dim !== b.dim) {
    throw new MetricInputError(`${name}: shape [${b.rows}, ${b.dim}] differs from [${a.rows}, ${a.dim}]`);
  }
  const data = new Float64Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = a.data[i]! + b.data[i]!;
  return { rows: a.rows, dim: a.dim, data };
}

/** Squared L2 distance per pair of rows. */
export function squaredDistances(a: Matrix, b: Matrix): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let sum = 0;
    for (let j = 0; j < a.dim; j++) sum += (a.data[i * a.dim + j]! - b.data[i * b.dim + j]!) ** 2;
    out[i] = sum;
  }
  return out;
}

/** Dot product per pair of rows (the cosine when both are normalised). */
export function rowDots(a: Matrix, b: Matrix): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let sum = 0;
    for (let j = 0; j < a.dim; j++) sum += a.data[i * a.dim + j]! * b.data[i * b.dim + j]!;
    out[i] = sum;
  }
  return out;
}

/** Converts `issame` (booleans or 0/1) to a boolean array of the expected length. */
export function toLabels(issame: ArrayLike<boolean | number>, pairs: number, name = 'issame'): boolean[] {
  if (issame.length !== pairs)
    throw new MetricInputError(`${name}: length ${issame.length} differs from ${pairs} pairs`);
  const out = new Array<boolean>(pairs);
  for (let i = 0; i < pairs; i++) {
    const v = issame[i];
    if (v !== true && v !== false && v !== 0 && v !== 1) {
      throw new MetricInputError(`${name}: value ${String(v)} at index ${i} is not a boolean or 0/1`);
    }
    out[i] = v === true || v === 1;
  }
  return out;
}
