import * as tf from '@tensorflow/tfjs-core';

import { MarginHead } from './head/margin-head';

/**
 * Registers the package's layers with the tfjs serialization registry so saved models that contain them
 * load with `tf.loadLayersModel`; idempotent. Importing `MarginHead` registers it already; call this in a
 * bundled app that loads a saved model with a `MarginHead` without referring to the class anywhere (the
 * bundler drops unused modules, the package has `sideEffects: false`).
 */
export function registerMarginLayers(): void {
  tf.serialization.registerClass(MarginHead);
}
