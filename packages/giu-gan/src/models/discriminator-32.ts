import * as tfl from '@tensorflow/tfjs-layers';

import { TwiceDifferentiableLeakyReLU } from '../layers/leaky-relu';
import { SpectralConv2D } from '../layers/spectral-conv-2d';
import { SpectralDense } from '../layers/spectral-dense';
import {
  attentionLayer,
  type DiscriminatorOptions,
  type ResolvedDiscriminatorOptions,
  resolveDiscriminatorOptions,
  seedCounter,
} from './backbone-options';

interface ConvSpec {
  filters: number;
  kernelSize: number;
  strides: number;
  padding?: 'same' | 'valid';
  /** Skip the activation (the 64×64 output conv). */
  linear?: boolean;
}

function outputSize(size: number, spec: ConvSpec): number {
  return spec.padding === 'valid'
    ? Math.floor((size - spec.kernelSize) / spec.strides) + 1
    : Math.ceil(size / spec.strides);
}

/** Builds a stack of (spectral) convolutions with LeakyReLU and attention slots, then flatten (+ optional dense). */
export function buildDiscriminator(
  name: string,
  size: number,
  o: ResolvedDiscriminatorOptions,
  convs: ConvSpec[],
  denseHead: boolean,
): tfl.Sequential {
  const nextSeed = seedCounter(o.seed);
  const model = tfl.sequential({ name });
  let spatial = size;
  let lastSlot = -1;
  convs.forEach((spec, i) => {
    model.add(
      new SpectralConv2D({
        ...(i === 0 ? { inputShape: [size, size, 3] } : {}),
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding ?? 'same',
        spectralNorm: o.spectralNorm,
        seed: nextSeed(),
      }),
    );
    spatial = outputSize(spatial, spec);
    if (!spec.linear) model.add(new TwiceDifferentiableLeakyReLU({ alpha: o.leakySlope }));
    // One slot per size, after the last conv at that size.
    const nextSpatial = convs[i + 1] === undefined ? -1 : outputSize(spatial, convs[i + 1]!);
    if (o.attentionAt.includes(spatial) && nextSpatial !== spatial && lastSlot !== spatial) {
      lastSlot = spatial;
      const layer = attentionLayer(o.attention, o.giu, nextSeed());
      if (layer) model.add(layer);
    }
  });
  model.add(tfl.layers.flatten());
  if (denseHead) model.add(new SpectralDense({ units: 1, spectralNorm: o.spectralNorm, seed: nextSeed() }));
  return model;
}

/**
 * Discriminator for 32×32 images: the SN-GAN "standard CNN" (LeakyReLU 0.1 after every conv, spectral norm on
 * every layer), with attention slots. The LeakyReLU is {@link TwiceDifferentiableLeakyReLU} so WGAN-GP works:
 *
 *     Conv3 s1 → w, Conv4 s2 → 16×16×2w, Conv3 s1 → 2w (slot 16), Conv4 s2 → 8×8×4w, Conv3 s1 → 4w (slot 8),
 *     Conv4 s2 → 4×4×8w, Conv3 s1 → 8w, flatten (16·8w) → Dense(1)
 *
 * Input `[batch, 32, 32, 3]` in [−1, 1] → raw scores `[batch, 1]`. Call with `apply(x, { training: true })`
 * in training so the spectral-norm vectors update.
 *
 * @example
 * const d = createDiscriminator32({ width: 16, attention: 'giu' });
 */
export function createDiscriminator32(options: DiscriminatorOptions = {}): tfl.Sequential {
  const o = resolveDiscriminatorOptions('createDiscriminator32', options, [16], [4, 8, 16, 32]);
  const w = o.width;
  return buildDiscriminator(
    'discriminator32',
    32,
    o,
    [
      { filters: w, kernelSize: 3, strides: 1 },
      { filters: 2 * w, kernelSize: 4, strides: 2 },
      { filters: 2 * w, kernelSize: 3, strides: 1 },
      { filters: 4 * w, kernelSize: 4, strides: 2 },
      { filters: 4 * w, kernelSize: 3, strides: 1 },
      { filters: 8 * w, kernelSize: 4, strides: 2 },
      { filters: 8 * w, kernelSize: 3, strides: 1 },
    ],
    true,
  );
}
