import * as tf from '@tensorflow/tfjs-core';

import { ZeroPaddedMaxPool1D } from './zero-padded-max-pool1d';

/**
 * Registers this package's custom layers with the tfjs serialization registry so that saved models load
 * (`tf.loadLayersModel`). Called once by the package entry; safe to call again.
 */
export function registerKdctimeLayers(): void {
  tf.serialization.registerClass(ZeroPaddedMaxPool1D);
}
