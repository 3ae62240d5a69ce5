/**
 * Eigenvalues of a real symmetric matrix (float64), ascending: Householder reduction to tridiagonal form
 * followed by the implicit QL algorithm with Wilkinson-type shifts (Golub & Van Loan, "Matrix Computations",
 * §8.3; the EISPACK tred/tql scheme). O(n³); no eigenvectors.
 *
 * @param a the matrix, row-major `n·n` values; only read (a copy is reduced).
 * @param n its order.
 * @throws Error if QL does not converge (not expected for finite input).
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  // Householder: for each column k, zero m[k+2.., k] with H = I − 2wwᵀ acting on rows/cols k+1…n−1.
  for (let k = 0; k < n - 2; k++) {
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += m[i * n + k]! ** 2;
    const x0 = m[(k + 1) * n + k]!;
    const norm = Math.sqrt(norm2);
    d[k] = m[k * n + k]!;
    if (norm === 0 || norm2 - x0 * x0 === 0) {
      e[k] = x0;
      continue;
    }
    const alpha = x0 > 0 ? -norm : norm;
    for (let i = k + 1; i < n; i++) v[i] = m[i * n + k]!;
    v[k + 1] = x0 - alpha;
    let vnorm2 = 0;
    for (let i = k + 1; i < n; i++) vnorm2 += v[i]! ** 2;
    const vnorm = Math.sqrt(vnorm2);
    for (let i = k + 1; i < n; i++) v[i] = v[i]! / vnorm;
    e[k] = alpha;
    // p = A v on the trailing block; K = vᵀp; w = p − K v; A ← A − 2 v wᵀ − 2 w vᵀ.
    let kk = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = k + 1; j < n; j++) s += m[row + j]! * v[j]!;
      p[i] = s;
      kk += v[i]! * s;
    }
    for (let i = k + 1; i < n; i++) p[i] = p[i]! - kk * v[i]!;
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = v[i]!;
      const pi = p[i]!;
      for (let j = k + 1; j < n; j++) m[row + j] = m[row + j]! - 2 * (vi * p[j]! + pi * v[j]!);
    }
  }
  if (n >= 2) {
    d[n - 2] = m[(n - 2) * n + n - 2]!;
    d[n - 1] = m[(n - 1) * n + n - 1]!;
    e[n - 2] = m[(n - 1) * n + n - 2]!;
  } else if (n === 1) d[0] = m[0]!;
  e[n - 1] = 0;

  // Implicit QL on (d, e), e[i] coupling i and i + 1.
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let mIdx = l;
      for (; mIdx < n - 1; mIdx++) {
        const dd = Math.abs(d[mIdx]!) + Math.abs(d[mIdx + 1]!);
        if (Math.abs(e[mIdx]!) <= Number.EPSILON * dd) break;
      }
      if (mIdx === l) break;
      if (++iterations > 60) throw new Error('symmetricEigenvalues: QL iteration did not converge');
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[mIdx]! - d[l]! + e[l]! / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let shift = 0;
      let i = mIdx - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] = d[i + 1]! - shift;
          e[mIdx] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - shift;
        r = (d[i]! - g) * s + 2 * c * b;
        shift = s * r;
        d[i + 1] = g + shift;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l] = d[l]! - shift;
      e[l] = g;
      e[mIdx] = 0;
    }
  }
  return d.sort();
}
