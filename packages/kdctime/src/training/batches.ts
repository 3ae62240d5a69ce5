import type { SeriesMatrix } from '../rocket/series-matrix';

/** Training data held on the host: series, their class codes and the number of classes. */
export interface LabelledSeriesMatrix {
  /** `[cases, length, channels]` values (e.g. `prepareSeries` output of `@frx/data-readers`). */
  series: SeriesMatrix;
  /** Class code `0 … classes − 1` per case. */
  codes: ArrayLike<number>;
  /** Number of classes K. */
  classes: number;
}

/** Validates {@link LabelledSeriesMatrix} and returns `[cases, length, channels]`. */
export function checkLabelledSeries(owner: string, data: LabelledSeriesMatrix): [number, number, number] {
  const [cases, length, channels] = data.series.shape;
  if (data.series.values.length !== cases * length * channels) {
    throw new RangeError(
      `${owner}: series has ${data.series.values.length} values, shape [${data.series.shape.join(', ')}] needs ${cases * length * channels}`,
    );
  }
  if (data.codes.length !== cases) {
    throw new RangeError(`${owner}: ${data.codes.length} codes for ${cases} series`);
  }
  if (!Number.isInteger(data.classes) || data.classes < 2) {
    throw new RangeError(`${owner}: classes must be an integer >= 2, got ${data.classes}`);
  }
  for (let i = 0; i < cases; i++) {
    const c = data.codes[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= data.classes) {
      throw new RangeError(`${owner}: codes[${i}] = ${c} is not a class code in [0, ${data.classes})`);
    }
  }
  if (cases === 0) throw new RangeError(`${owner}: no training series`);
  return [cases, length, channels];
}

/** Copies the cases `order[from … from + size)` into the batch buffers (series, one-hot labels, teacher targets). */
export function fillBatch(
  data: LabelledSeriesMatrix,
  targets: Float32Array | null,
  order: ArrayLike<number>,
  from: number,
  size: number,
  x: Float32Array,
  y: Float32Array,
  t: Float32Array | null,
): void {
  const [, length, channels] = data.series.shape;
  const stride = length * channels;
  const classes = data.classes;
  y.fill(0, 0, size * classes);
  for (let b = 0; b < size; b++) {
    const i = order[from + b]!;
    const source = i * stride;
    for (let j = 0; j < stride; j++) x[b * stride + j] = data.series.values[source + j]!;
    y[b * classes + data.codes[i]!] = 1;
    if (targets && t) for (let k = 0; k < classes; k++) t[b * classes + k] = targets[i * classes + k]!;
  }
}

/** One-hot labels `[cases · classes]` for codes. */
export function oneHotCodes(codes: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(codes.length * classes);
  for (let i = 0; i < codes.length; i++) out[i * classes + codes[i]!] = 1;
  return out;
}
