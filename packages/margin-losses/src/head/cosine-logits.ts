import * as tf from '@tensorflow/tfjs-core';

/** Floor under the L2 norms, PyTorch `F.normalize`'s `eps` (as `l2Normalize` of @frx/tensor-utils). */
const NORM_EPSILON = 1e-12;

/** Rows divided by their L2 norm floored at `NORM_EPSILON`; also returns the floored norms `[rows, 1]`. */
function normalizeRows(x: tf.Tensor2D): { unit: tf.Tensor2D; norm: tf.Tensor2D } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.maximum<tf.Tensor2D>(tf.sum(tf.square(x), 1, true), NORM_EPSILON * NORM_EPSILON));
    return { unit: tf.div(x, norm), norm };
  });
}

/**
 * Gradient of `x ↦ x / max(‖x‖, ε)` per row, given the upstream gradient `dUnit` of the unit rows:
 * `(dUnit − unit · Σ(dUnit ⊙ unit)) / ‖x‖` where the norm is above ε, `dUnit / ε` where it is floored.
 */
function normalizeRowsGrad(dUnit: tf.Tensor2D, unit: tf.Tensor2D, norm: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const radial = tf.mul(
      tf.sum(tf.mul(dUnit, unit), 1, true),
      tf.cast(tf.greater(norm, NORM_EPSILON), 'float32'),
    );
    return tf.div(tf.sub(dUnit, tf.mul(unit, radial)), norm);
  });
}

/**
 * Cosine logits `cos θ = x̂ · Ŵᵀ` of L2-normalised features and class centres (norms floored at 1e-12, as
 * PyTorch's `F.normalize`), clamped to [-1, 1] (arcface_torch Partial FC, FastFace). The clamp's gradient
 * is zero outside [-1, 1], as PyTorch `clamp`.
 *
 * One custom-gradient op with the analytic gradient (both inputs explicit, as `tf.customGrad` requires),
 * for two measured reasons: autodiff through the normalisation keeps about 20 temporaries of the size of
 * W alive during the backward pass (too much for the wasm heap at 100k × 512), and the wasm backend of
 * tfjs 4.22 runs `matMul` with `transposeA`/`transposeB` 10–20× slower than after an explicit transpose
 * (0.3–0.5 vs ~6 GFLOP/s for [128, 512] × [512, 5000]), which autodiff's matMul gradient uses.
 *
 * @param features `[batch, dim]`.
 * @param centres class centres `[classes, dim]`.
 * @returns `[batch, classes]`.
 *
 * @example
 * const logits = arcFaceLogits(cosineLogits(embeddings, weight), labels);
 */
export function cosineLogits(features: tf.Tensor2D, centres: tf.Tensor2D): tf.Tensor2D {
  if (features.rank !== 2 || centres.rank !== 2 || features.shape[1] !== centres.shape[1]) {
    throw new TypeError(
      `cosineLogits: features [batch, dim] and centres [classes, dim] must share dim, got [${features.shape.join(', ')}] and [${centres.shape.join(', ')}]`,
    );
  }
  const op = tf.customGrad((x, w, save) => {
    const { unit: xUnit, norm: xNorm } = normalizeRows(x as tf.Tensor2D);
    const { unit: wUnit, norm: wNorm } = normalizeRows(w as tf.Tensor2D);
    const raw = tf.tidy(() => tf.matMul(xUnit, tf.transpose(wUnit)));
    (save as tf.GradSaveFunc)([xUnit, xNorm, wUnit, wNorm, raw]);
    return {
      value: tf.clipByValue(raw, -1, 1),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xu, xn, wu, wn, r] = saved as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
        ];
        const inside = tf.tidy(() =>
          tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(r, -1), tf.lessEqual(r, 1)), 'float32')),
        );
        const dx = tf.tidy(() => normalizeRowsGrad(tf.matMul(inside as tf.Tensor2D, wu), xu, xn));
        const dw = tf.tidy(() =>
          normalizeRowsGrad(tf.matMul(tf.transpose(inside as tf.Tensor2D), xu), wu, wn),
        );
        inside.dispose();
        return [dx, dw];
      },
    };
  });
  return op(features, centres) as tf.Tensor2D;
}
