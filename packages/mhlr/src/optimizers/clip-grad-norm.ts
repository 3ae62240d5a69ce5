import * as tf from '@tensorflow/tfjs-core';

import { InvalidOptionError } from '../errors';

/** Added to the total norm before dividing, as PyTorch `clip_grad_norm_` does. */
export const CLIP_NORM_EPSILON = 1e-6;

/**
 * The factor `min(1, maxNorm / (‖g‖ + 1e-6))` that PyTorch `torch.nn.utils.clip_grad_norm_` scales every
 * gradient by, where ‖g‖ = √(Σ‖gᵢ‖²) over all given gradients. Stays on the device (no data read).
 *
 * @param gradients The gradients clipped together (any shapes).
 * @param maxNorm The largest allowed global L2 norm, > 0.
 * @returns `{ coefficient, totalNorm }`, two new scalars the caller owns.
 * @example
 * const { coefficient, totalNorm } = globalNormClipCoefficient(Object.values(grads), 5);
 */
export function globalNormClipCoefficient(
  gradients: readonly tf.Tensor[],
  maxNorm: number,
): { coefficient: tf.Scalar; totalNorm: tf.Scalar } {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) {
    throw new InvalidOptionError(
      'globalNormClipCoefficient',
      'maxNorm',
      `must be a finite number > 0, got ${maxNorm}`,
    );
  }
  return tf.tidy(() => {
    const squares = gradients.map((g) => tf.sum(tf.square(g)));
    const totalNorm: tf.Scalar =
      squares.length === 0 ? tf.scalar(0) : (tf.sqrt(tf.addN(squares)) as tf.Scalar);
    const coefficient: tf.Scalar = tf.minimum(
      tf.scalar(1),
      tf.div(maxNorm, tf.add(totalNorm, CLIP_NORM_EPSILON)),
    );
    return { coefficient, totalNorm };
  });
}

/**
 * Global-norm gradient clipping with PyTorch `clip_grad_norm_` semantics: the gradients whose names pass
 * `include` (default: all) are scaled together by `min(1, maxNorm / (‖g‖ + 1e-6))`; the others are
 * passed through. FastFace and arcface_torch clip at 5 over the backbone parameters only.
 *
 * @param gradients Gradients by variable name, as from `tf.variableGrads(...).grads`.
 * @param maxNorm The largest allowed global L2 norm, > 0.
 * @param include Which names take part in the norm and get scaled. Default: all.
 * @returns New tensors (the caller disposes them and, separately, its inputs) and the pre-clip norm.
 * @example
 * const { grads: clipped, totalNorm } = clipGradientsByGlobalNorm(grads, 5, (name) => !name.startsWith('head/'));
 */
export function clipGradientsByGlobalNorm(
  gradients: tf.NamedTensorMap,
  maxNorm: number,
  include: (name: string) => boolean = () => true,
): { grads: tf.NamedTensorMap; totalNorm: tf.Scalar } {
  const names = Object.keys(gradients);
  const selected = names.filter((n) => include(n));
  const chosen = new Set(selected);
  return tf.tidy(() => {
    const { coefficient, totalNorm } = globalNormClipCoefficient(
      selected.map((n) => gradients[n]!),
      maxNorm,
    );
    const grads: tf.NamedTensorMap = {};
    for (const name of names) {
      const g = gradients[name]!;
      grads[name] = chosen.has(name) ? tf.mul(g, coefficient) : tf.clone(g);
    }
    return { grads, totalNorm };
  });
}
