import * as tf from '@tensorflow/tfjs-core';

import { GroupedConv2D } from './layers/grouped-conv2d';
import { TorchBatchNorm } from './layers/torch-batch-norm';

let registered = false;

/**
 * Registers the package's custom layer classes (`FrxTorchBatchNorm`, `FrxGroupedConv2D`) with the
 * tfjs-core serialization registry, so `tf.loadLayersModel` can rebuild saved models. Called once by
 * the package entry; idempotent.
 */
export function registerResnetLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(TorchBatchNorm);
  tf.serialization.registerClass(GroupedConv2D);
  registered = true;
}
