import * as tf from '@tensorflow/tfjs-core';

import { GIUModule } from './layers/giu-module';
import { Involution2D } from './layers/involution-2d';
import { TwiceDifferentiableLeakyReLU } from './layers/leaky-relu';
import { RepresentativeBatchNorm } from './layers/representative-batch-norm';
import { SelfAttention } from './layers/self-attention';
import { SpectralConv2D } from './layers/spectral-conv-2d';
import { SpectralDense } from './layers/spectral-dense';
import { SqueezeExcitation } from './layers/squeeze-excitation';

/**
 * Registers the package's layers with the tfjs serialization registry so saved models load with
 * `tf.loadLayersModel` (tfjs#7157 pattern). Called once from the package entry; idempotent.
 */
export function registerGanLayers(): void {
  for (const cls of [
    Involution2D,
    SqueezeExcitation,
    RepresentativeBatchNorm,
    GIUModule,
    SpectralConv2D,
    SpectralDense,
    SelfAttention,
    TwiceDifferentiableLeakyReLU,
  ]) {
    tf.serialization.registerClass(cls);
  }
}
