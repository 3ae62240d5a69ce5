/**
 * Contiguous, unshuffled K-fold test ranges over `n` items, exactly as scikit-learn
 * `KFold(n_splits=k, shuffle=False)`: the first `n % k` folds get one extra item.
 *
 * @returns `[start, end)` of each fold's test range.
 */
export function kFoldRanges(n: number, k: number): Array<[number, number]> {
  const base = Math.floor(n / k);
  const extra = n % k;
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let fold = 0; fold < k; fold++) {
    const size = base + (fold < extra ? 1 : 0);
    ranges.push([start, start + size]);
    start += size;
  }
  return ranges;
}
