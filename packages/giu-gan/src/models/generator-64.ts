import * as tfl from '@tensorflow/tfjs-layers';

import { dcganInit, type GeneratorOptions, resolveGeneratorOptions } from './backbone-options';
import { buildUpsamplingGenerator } from './generator-32';

/**
 * Generator for 64×64 images (CelebA), the SAGAN layout (`heykeetae/Self-Attention-GAN` `sagan_models.py`)
 * with attention slots:
 *
 *     z → Dense → 4×4×8w → BN → ReLU                  (SAGAN: 4×4 valid ConvT on a 1×1 z, equivalent)
 *     ConvT 4×4 s2 → 8×8×4w → 16×16×2w (slot 16) → 32×32×w (slot 32), each + BN + ReLU
 *     ConvT 4×4 s2 → 64×64×3 → tanh
 *
 * SAGAN also spectrally normalises its generator; here G uses BN/RBN without spectral norm (a design choice).
 * Output `[batch, 64, 64, 3]` in [−1, 1].
 *
 * @example
 * const g = createGenerator64({ width: 16, attention: 'giu', normalization: 'rbn' });
 */
export function createGenerator64(options: GeneratorOptions = {}): tfl.Sequential {
  const o = resolveGeneratorOptions('createGenerator64', options, [16, 32], [8, 16, 32]);
  const w = o.width;
  return buildUpsamplingGenerator('generator64', o, [4 * w, 2 * w, w], (seed) => [
    tfl.layers.conv2dTranspose({
      filters: 3,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      kernelInitializer: dcganInit(seed),
    }),
    tfl.layers.activation({ activation: 'tanh' }),
  ]);
}
