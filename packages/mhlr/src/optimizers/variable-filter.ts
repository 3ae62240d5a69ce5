import type * as tf from '@tensorflow/tfjs-core';

/**
 * Chooses variables by name (and value): `true` to include. Used to pick the variables that get weight
 * decay and the subset whose gradients are clipped together.
 */
export type VariableFilter = (name: string, variable: tf.Variable) => boolean;

const NORM_OR_BIAS_NAME = /(^|[/_.])(bias|beta|gamma|moving_mean|moving_variance)(:\d+)?$/i;

/**
 * `true` for biases and normalisation parameters: any variable of rank ≤ 1 (biases, BatchNorm γ/β,
 * per-channel scales) or whose name ends in `bias`, `beta`, `gamma`, `moving_mean`, `moving_variance`
 * (tfjs-layers naming). face.evoLVe excludes BatchNorm parameters from weight decay; arcface_torch decays
 * everything.
 *
 * @example
 * new SGD({ learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4,
 *           weightDecayFilter: (name, v) => !isBiasOrNormParameter(name, v) });
 */
export function isBiasOrNormParameter(name: string, variable: tf.Variable): boolean {
  return variable.rank <= 1 || NORM_OR_BIAS_NAME.test(name);
}

/**
 * A ready-made `weightDecayFilter` that decays every variable except biases and normalisation
 * parameters ({@link isBiasOrNormParameter}).
 *
 * @example
 * new AdamW({ learningRate: 1e-3, weightDecay: 0.1, weightDecayFilter: excludeBiasAndNorm });
 */
export const excludeBiasAndNorm: VariableFilter = (name, variable) => !isBiasOrNormParameter(name, variable);
