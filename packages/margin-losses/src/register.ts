import * as tf from '@tensorflow/tfjs-core';

import { MarginHead } from './head/margin-head';

/**
 * Registers the package's layers with the tfjs serialization registry so saved models that contain them
 * load with `tf.loadLayersModel`. Called once from the package entry (tfjs#7157 pattern); idempotent.
 */
export function registerMarginLayers(): void {
  tf.serialization.registerClass(MarginHead);
}
