import type { DecodedImage } from './decoded-image';

/** A 2-D point `[x, y]` in pixels. */
export type Point2 = readonly [number, number];

/**
 * A 2×3 affine matrix `[a, b, tx, c, d, ty]` mapping source `(x, y)` to `(a·x + b·y + tx, c·x + d·y + ty)`
 * (OpenCV's `warpAffine` matrix, row-major).
 */
export type AffineMatrix = [number, number, number, number, number, number];

/**
 * The ArcFace 112×112 five-point template (left eye, right eye, nose tip, left and right mouth corners) from
 * insightface `python-package/insightface/utils/face_align.py` (`arcface_dst`).
 */
export const ARCFACE_TEMPLATE_112: readonly Point2[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * The template for an output of `size` pixels, by insightface's rule: multiples of 112 scale the 112
 * template; other sizes scale it by `size / 128` and shift x by `8 · size / 128`.
 *
 * @param size - output side in pixels. Default 112.
 */
export function arcfaceTemplate(size = 112): Point2[] {
  const [ratio, shiftX] = size % 112 === 0 ? [size / 112, 0] : [size / 128, (8 * size) / 128];
  return ARCFACE_TEMPLATE_112.map(([x, y]) => [x * ratio + shiftX, y * ratio] as const);
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection) taking `src`
 * points onto `dst`: Umeyama (1991) restricted to proper rotations, which in 2-D has the closed form
 * `a = Σ(x·y)/Σ|x|²`, `b = Σ(x × y)/Σ|x|²` on centred coordinates. insightface estimates the same transform
 * with scikit-image's `SimilarityTransform`.
 *
 * @param src - at least two source points (e.g. detected landmarks).
 * @param dst - as many target points (e.g. {@link ARCFACE_TEMPLATE_112}).
 * @returns the 2×3 matrix `[a, −b, tx, b, a, ty]`.
 * @throws RangeError for mismatched or degenerate point sets.
 *
 * @example
 * const m = estimateSimilarityTransform(landmarks, ARCFACE_TEMPLATE_112);
 */
export function estimateSimilarityTransform(src: readonly Point2[], dst: readonly Point2[]): AffineMatrix {
  const n = src.length;
  if (n < 2 || dst.length !== n) {
    throw new RangeError(
      `estimateSimilarityTransform: need matching point sets of at least 2, got ${n} and ${dst.length}`,
    );
  }
  let msx = 0;
  let msy = 0;
  let mdx = 0;
  let mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += src[i]![0];
    msy += src[i]![1];
    mdx += dst[i]![0];
    mdy += dst[i]![1];
  }
  msx /= n;
  msy /= n;
  mdx /= n;
  mdy /= n;
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const sx = src[i]![0] - msx;
    const sy = src[i]![1] - msy;
    const dx = dst[i]![0] - mdx;
    const dy = dst[i]![1] - mdy;
    dot += sx * dx + sy * dy;
    cross += sx * dy - sy * dx;
    norm += sx * sx + sy * sy;
  }
  if (!(norm > 1e-12) || !Number.isFinite(norm)) {
    throw new RangeError('estimateSimilarityTransform: source points are all equal or not finite');
  }
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, mdx - (a * msx - b * msy), b, a, mdy - (b * msx + a * msy)];
}

/**
 * Warps an image by an affine matrix into a `height × width` output, sampling bilinearly; pixels mapped from
 * outside the source read as `fill` (OpenCV `warpAffine` with `BORDER_CONSTANT`, in floating point rather than
 * OpenCV's 5-bit fixed-point weights, so values may differ from OpenCV by one or two levels).
 *
 * @param image - HWC uint8.
 * @param matrix - source → destination matrix (as {@link estimateSimilarityTransform} returns).
 * @param height - output rows.
 * @param width - output columns.
 * @param fill - border value 0…255. Default 0.
 * @returns the warped image `[height, width, channels]`.
 */
export function warpAffine(
  image: DecodedImage,
  matrix: AffineMatrix,
  height: number,
  width: number,
  fill = 0,
): DecodedImage {
  const [a, b, tx, c, d, ty] = matrix;
  const det = a * d - b * c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12)
    throw new RangeError('warpAffine: matrix is not invertible');
  // Inverse map: destination pixel → source coordinates.
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  const itx = -(ia * tx + ib * ty);
  const ity = -(ic * tx + id * ty);
  const { width: inW, height: inH, channels: ch, data } = image;
  const out = new Uint8Array(height * width * ch);
  const sample = (x: number, y: number, k: number) =>
    x >= 0 && x < inW && y >= 0 && y < inH ? data[(y * inW + x) * ch + k]! : fill;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = ia * x + ib * y + itx;
      const sy = ic * x + id * y + ity;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * width + x) * ch;
      for (let k = 0; k < ch; k++) {
        const top = sample(x0, y0, k) * (1 - fx) + sample(x0 + 1, y0, k) * fx;
        const bottom = sample(x0, y0 + 1, k) * (1 - fx) + sample(x0 + 1, y0 + 1, k) * fx;
        out[o + k] = Math.min(255, Math.max(0, Math.round(top * (1 - fy) + bottom * fy)));
      }
    }
  }
  return { width, height, channels: ch, data: out };
}

/**
 * Aligns a face to the ArcFace template: estimates the similarity transform from five landmarks (left eye,
 * right eye, nose, left and right mouth corners, in the order of RetinaFace/SCRFD outputs) to
 * {@link arcfaceTemplate}`(size)` and warps the image (insightface `norm_crop`).
 *
 * @param image - HWC uint8.
 * @param landmarks - five `[x, y]` points in image pixels.
 * @param size - output side. Default 112.
 * @returns the aligned `size × size` face.
 *
 * @example
 * const face = alignFace(photo, [[38, 52], [74, 51], [56, 72], [42, 92], [71, 92]]);
 */
export function alignFace(image: DecodedImage, landmarks: readonly Point2[], size = 112): DecodedImage {
  if (landmarks.length !== 5)
    throw new RangeError(`alignFace: expected 5 landmarks, got ${landmarks.length}`);
  return warpAffine(image, estimateSimilarityTransform(landmarks, arcfaceTemplate(size)), size, size);
}
