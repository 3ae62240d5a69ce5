import type * as tfl from '@tensorflow/tfjs-layers';

import { type DiscriminatorOptions, resolveDiscriminatorOptions } from './backbone-options';
import { buildDiscriminator } from './discriminator-32';

/**
 * Discriminator for 64×64 images, the SAGAN layout: 4×4 stride-2 convolutions (LeakyReLU 0.1, spectral norm)
 * 3 → w (32×32) → 2w (16×16) → 4w (8×8, slot 8) → 8w (4×4, slot 4), then a 4×4 valid convolution to one
 * score. Input `[batch, 64, 64, 3]` → `[batch, 1]`.
 *
 * @example
 * const d = createDiscriminator64({ width: 16, attention: 'giu' });
 */
export function createDiscriminator64(options: DiscriminatorOptions = {}): tfl.Sequential {
  const o = resolveDiscriminatorOptions('createDiscriminator64', options, [8, 4], [4, 8, 16, 32]);
  const w = o.width;
  return buildDiscriminator(
    'discriminator64',
    64,
    o,
    [
      { filters: w, kernelSize: 4, strides: 2 },
      { filters: 2 * w, kernelSize: 4, strides: 2 },
      { filters: 4 * w, kernelSize: 4, strides: 2 },
      { filters: 8 * w, kernelSize: 4, strides: 2 },
      { filters: 1, kernelSize: 4, strides: 1, padding: 'valid', linear: true },
    ],
    false,
  );
}
