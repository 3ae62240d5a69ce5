import * as tfl from '@tensorflow/tfjs-layers';

import {
  attentionLayer,
  dcganInit,
  type GeneratorOptions,
  normalizationLayer,
  type ResolvedGeneratorOptions,
  resolveGeneratorOptions,
  seedCounter,
} from './backbone-options';

/**
 * Builds an upsampling generator: Dense(z → 4·4·8w) → reshape → norm → ReLU, then stride-2 4×4 transposed
 * convolutions (each + norm + ReLU, then the slot if its size is listed) through `stages` channel counts,
 * then the output head.
 */
export function buildUpsamplingGenerator(
  name: string,
  o: ResolvedGeneratorOptions,
  stageChannels: number[],
  head: (seed: number | undefined) => tfl.layers.Layer[],
): tfl.Sequential {
  const nextSeed = seedCounter(o.seed);
  const model = tfl.sequential({ name });
  const first = 8 * o.width;
  model.add(
    tfl.layers.dense({
      inputShape: [o.latentDim],
      units: 4 * 4 * first,
      kernelInitializer: dcganInit(nextSeed()),
    }),
  );
  model.add(tfl.layers.reshape({ targetShape: [4, 4, first] }));
  model.add(normalizationLayer(o.normalization));
  model.add(tfl.layers.reLU());
  let size = 4;
  for (const channels of stageChannels) {
    model.add(
      tfl.layers.conv2dTranspose({
        filters: channels,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        kernelInitializer: dcganInit(nextSeed()),
      }),
    );
    model.add(normalizationLayer(o.normalization));
    model.add(tfl.layers.reLU());
    size *= 2;
    if (o.attentionAt.includes(size)) {
      const layer = attentionLayer(o.attention, o.giu, nextSeed());
      if (layer) model.add(layer);
    }
  }
  for (const layer of head(nextSeed())) model.add(layer);
  return model;
}

/**
 * Generator for 32×32 images (CIFAR-10): the SN-GAN "standard CNN" layout (as in
 * `w86763777/pytorch-gan-collections` `dcgan.py`), with attention slots.
 *
 *     z [batch, latentDim] → Dense → 4×4×8w → BN → ReLU
 *     ConvT 4×4 s2 → 8×8×4w → BN → ReLU
 *     ConvT 4×4 s2 → 16×16×2w → BN → ReLU   ← slot 16
 *     ConvT 4×4 s2 → 32×32×w → BN → ReLU    ← slot 32
 *     Conv 3×3 → 32×32×3 → tanh
 *
 * BN is PyTorch-parity BatchNorm or RBN (`normalization`); slots take SAGAN self-attention (baseline)
 * or GIU modules. Output `[batch, 32, 32, 3]` in [−1, 1]. Call with `apply(z, { training: true })` in training.
 *
 * @param options see {@link GeneratorOptions}; full size is width 64, CPU-friendly sizes 8–16.
 * @example
 * const g = createGenerator32({ width: 16, attention: 'giu', normalization: 'rbn', seed: 1 });
 * const images = g.predict(tf.randomNormal([4, 128])) as tf.Tensor4D; // [4, 32, 32, 3]
 */
export function createGenerator32(options: GeneratorOptions = {}): tfl.Sequential {
  const o = resolveGeneratorOptions('createGenerator32', options, [16], [8, 16, 32]);
  const w = o.width;
  return buildUpsamplingGenerator('generator32', o, [4 * w, 2 * w, w], (seed) => [
    tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: dcganInit(seed) }),
    tfl.layers.activation({ activation: 'tanh' }),
  ]);
}
