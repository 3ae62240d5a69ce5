import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { stopGradient } from '@frx/tensor-utils';

/** ε of the vector normalisation in the power iteration (PyTorch `spectral_norm` default 1e-12). */
export const SPECTRAL_NORM_EPSILON = 1e-12;

function normalize(v: tf.Tensor1D): tf.Tensor1D {
  return tf.div(v, tf.add(tf.norm(v), SPECTRAL_NORM_EPSILON));
}

/**
 * Divides a weight by its largest singular value estimated with power iteration (Miyato et al., "Spectral
 * Normalization for Generative Adversarial Networks", ICLR 2018, arXiv 1802.05957), PyTorch
 * `torch.nn.utils.spectral_norm` semantics: the weight is read as a matrix `[out, in·kh·kw]`, u and v are
 * constants for the gradient, σ = uᵀ W v.
 *
 * @param kernel weight with the output axis last: Dense `[in, out]` or Conv2D `[kh, kw, in, out]`.
 * @param u the persistent left singular vector estimate `[out]`.
 * @param iterations power-iteration steps. Default `1`.
 * @returns the normalised kernel (same shape) and the updated u `[out]` (to store when training).
 */
export function spectralNormalize(
  kernel: tf.Tensor,
  u: tf.Tensor1D,
  iterations = 1,
): { kernel: tf.Tensor; u: tf.Tensor1D; sigma: tf.Scalar } {
  return tf.tidy(() => {
    const out = kernel.shape[kernel.shape.length - 1]!;
    // [in·kh·kw, out] = Wᵀ in PyTorch's [out, in·kh·kw] convention.
    const wt = tf.reshape<tf.Rank.R2>(kernel, [-1, out]);
    const wtConst = stopGradient<tf.Tensor2D>(wt);
    let uu = u;
    let v = normalize(tf.squeeze<tf.Tensor1D>(tf.matMul(wtConst, tf.reshape(uu, [out, 1]))));
    for (let i = 0; i < iterations; i++) {
      if (i > 0) v = normalize(tf.squeeze<tf.Tensor1D>(tf.matMul(wtConst, tf.reshape(uu, [out, 1]))));
      uu = normalize(tf.squeeze<tf.Tensor1D>(tf.matMul(tf.reshape(v, [1, -1]), wtConst)));
    }
    uu = stopGradient<tf.Tensor1D>(tf.reshape(uu, [out]));
    v = stopGradient<tf.Tensor1D>(v);
    // σ = uᵀ W v = vᵀ Wᵀ u; differentiable in W only.
    const sigma = tf.sum<tf.Scalar>(tf.mul(tf.squeeze(tf.matMul(tf.reshape(v, [1, -1]), wt)), uu));
    return { kernel: tf.div(kernel, sigma), u: uu, sigma };
  });
}

/**
 * The kernel a spectrally normalised layer computes with: the stored kernel divided by its estimated
 * largest singular value when `u` is given (and the power-iteration estimate written back to `u` in
 * training only, as PyTorch's `spectral_norm` does), else the stored kernel itself. Shared by
 * `SpectralConv2D` and `SpectralDense`; call it inside the layer's `tf.tidy`.
 *
 * @param kernel the layer's kernel variable, output axis last.
 * @param u the layer's `[out]` singular-vector variable, or `null` without spectral normalisation.
 * @param powerIterations power-iteration steps per call.
 * @param training whether to store the updated `u`.
 */
export function readSpectralKernel<T extends tf.Tensor>(
  kernel: tfl.LayerVariable,
  u: tfl.LayerVariable | null,
  powerIterations: number,
  training: boolean,
): T {
  const stored = kernel.read() as T;
  if (u === null) return stored;
  const sn = spectralNormalize(stored, u.read() as tf.Tensor1D, powerIterations);
  if (training) u.write(sn.u);
  return sn.kernel as T;
}
