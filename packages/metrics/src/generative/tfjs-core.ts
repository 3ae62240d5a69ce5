import type * as tfCore from '@tensorflow/tfjs-core';

import { GenerativeMetricError } from './feature-matrix';

/**
 * `@tensorflow/tfjs-core` is an optional peer of this package: the metrics run on plain numbers, so
 * `import '@frx/metrics'` must work without it. Only the functions that compute on tensors load it, on
 * first use; the specifier is a literal so bundlers still resolve and share the application's copy.
 */
export async function loadTfjsCore(caller: string): Promise<typeof tfCore> {
  try {
    return await import('@tensorflow/tfjs-core');
  } catch (error) {
    throw new GenerativeMetricError(
      `${caller} needs the optional package '@tensorflow/tfjs-core': ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/**
 * Whether a value is a tfjs tensor, without importing tfjs-core (an `instanceof tf.Tensor` check would
 * need it at load time, and would also fail for a tensor of another tfjs-core copy).
 */
export function isTensor(value: unknown): value is tfCore.Tensor {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<tfCore.Tensor>;
  return typeof t.dataSync === 'function' && Array.isArray(t.shape) && typeof t.rank === 'number';
}
