/**
 * Equal-length series as one flat array in `[cases, length, channels]` order (channels last), the layout of
 * `prepareSeries` in `@frx/data-readers`, so its output can be passed directly.
 */
export interface SeriesMatrix {
  /** `cases · length · channels` values. */
  values: ArrayLike<number>;
  /** `[cases, length, channels]`. */
  shape: readonly [number, number, number];
}

/** Checks a univariate {@link SeriesMatrix} and returns `[cases, length]`. */
export function univariateShape(owner: string, series: SeriesMatrix): [number, number] {
  const [cases, length, channels] = series.shape;
  if (channels !== 1) {
    throw new RangeError(
      `${owner}: only univariate series are supported (channels = 1), got ${channels} channels`,
    );
  }
  if (series.values.length !== cases * length) {
    throw new RangeError(
      `${owner}: values has ${series.values.length} entries, shape [${cases}, ${length}, 1] needs ${cases * length}`,
    );
  }
  return [cases, length];
}
