import * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-node's backend this op uses (`NodeJSKernelBackend`, @tensorflow/tfjs-node 4.x). */
interface TensorflowBackend {
  binding: {
    TF_ATTR_TYPE: number;
    TF_ATTR_FLOAT: number;
    TF_ATTR_STRING: number;
    TF_ATTR_BOOL: number;
    TF_FLOAT: number;
  };
  executeMultipleOutputs(
    name: string,
    attrs: { name: string; type: number; value: unknown }[],
    inputs: tf.TensorInfo[],
    numOutputs: number,
  ): tf.Tensor[];
}

/** Result of {@link nativeBatchNormTraining}. */
export interface BatchNormTrainingResult {
  /** The normalised, scaled and shifted input, differentiable with respect to `x`, `scale` and `offset`. */
  y: tf.Tensor;
  /** Batch mean per channel (not differentiable). */
  mean: tf.Tensor1D;
  /** Biased batch variance per channel, the one the normalisation divides by (not differentiable). */
  variance: tf.Tensor1D;
}

function tensorflowBackend(): TensorflowBackend | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const backend = tf.backend() as unknown as Partial<TensorflowBackend>;
  return typeof backend.executeMultipleOutputs === 'function' && backend.binding !== undefined
    ? (backend as TensorflowBackend)
    : undefined;
}

/**
 * Training-mode batch normalisation of an NHWC feature map `[batch, height, width, channels]` over the batch
 * and both spatial axes as TensorFlow's own fused kernels, `FusedBatchNormV3` forward and
 * `FusedBatchNormGradV3` backward (one op each way, oneDNN's on x86), when the active backend is tfjs-node's
 * `tensorflow`. The forward pass is `y = γ·(x − μ)/√(σ² + ε) + β` with the batch mean μ and the biased batch
 * variance σ² (Ioffe & Szegedy 2015, Algorithm 1), as PyTorch's `BatchNorm2d` in training mode; the backward
 * pass is its closed form. About twice as fast as the same formula written in tfjs ops on the native backend
 * (forward + backward of `[16, 112, 112, 64]`: 144 ms against 304 ms on 2 cores).
 *
 * Returns `undefined` — the caller keeps its portable path — on any other backend, for other ranks or dtypes,
 * and when a channel has fewer than two values (TensorFlow then returns a meaningless corrected variance).
 *
 * @param x - float32 `[batch, height, width, channels]`.
 * @param scale - γ, `[channels]`.
 * @param offset - β, `[channels]`.
 * @param epsilon - added to the variance, e.g. `1e-5` (PyTorch's default).
 *
 * @example
 * const fast = nativeBatchNormTraining(x, gamma, beta, 1e-5);
 * const { y, mean, variance } = fast ?? portableBatchNorm(x, gamma, beta, 1e-5);
 */
export function nativeBatchNormTraining(
  x: tf.Tensor,
  scale: tf.Tensor,
  offset: tf.Tensor,
  epsilon: number,
): BatchNormTrainingResult | undefined {
  const backend = tensorflowBackend();
  if (backend === undefined || x.rank !== 4 || x.dtype !== 'float32') return undefined;
  const channels = x.shape[3]!;
  const n = x.size / channels;
  if (!(n >= 2) || scale.size !== channels || offset.size !== channels) return undefined;
  const { binding } = backend;
  const attrs = [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'U', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: binding.TF_ATTR_BOOL, value: true },
  ];
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const forward = (input: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
    const none = tf.tensor1d([]);
    // Outputs: y, batch mean, batch variance with Bessel's correction (for running statistics), and three
    // opaque reserve spaces that the gradient kernel takes back.
    const [y, batchMean, correctedVariance, reserve1, reserve2, reserve3] = backend.executeMultipleOutputs(
      'FusedBatchNormV3',
      [...attrs, { name: 'exponential_avg_factor', type: binding.TF_ATTR_FLOAT, value: 1 }],
      [input, gamma, beta, none, none],
      6,
    ) as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor, tf.Tensor, tf.Tensor];
    none.dispose();
    mean = tf.keep(batchMean);
    variance = tf.keep(tf.tidy(() => tf.mul<tf.Tensor1D>(correctedVariance, (n - 1) / n)));
    correctedVariance.dispose();
    save([input, gamma, reserve1, reserve2, reserve3]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [dx, dScale, dOffset, ...unused] = backend.executeMultipleOutputs(
          'FusedBatchNormGradV3',
          attrs,
          [dy, ...saved],
          5,
        );
        tf.dispose(unused);
        return [dx!, dScale!, dOffset!];
      },
    };
  };
  // customGrad's typing takes variadic (Tensor | GradSaveFunc) arguments.
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = tf.tidy('NativeBatchNorm', () => op(x, scale, offset));
  return { y, mean: mean!, variance: variance! };
}
