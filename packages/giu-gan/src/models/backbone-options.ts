import * as tfl from '@tensorflow/tfjs-layers';

import { TORCH_BN_EPSILON, TORCH_BN_MOMENTUM } from '../internal/batch-norm';
import { checkKeys, GanOptionError, oneOf, positiveInt } from '../internal/validate';
import { checkGIUOptions, GIUModule, type GIUModuleArgs } from '../layers/giu-module';
import { RepresentativeBatchNorm } from '../layers/representative-batch-norm';
import { SelfAttention } from '../layers/self-attention';
import { DCGAN_INIT_STDDEV } from '../layers/spectral-layer';

/** What sits at an attention slot: nothing (DCGAN), SAGAN self-attention, or a GIU module. */
export type AttentionKind = 'none' | 'self-attention' | 'giu';
/** Generator normalisation: BatchNorm (DCGAN/SAGAN) or Representative BatchNorm (GIU-GAN). */
export type GeneratorNormalization = 'batch' | 'rbn';

/** Options of the generators ({@link createGenerator32}, {@link createGenerator64}). */
export interface GeneratorOptions {
  /** Base width w: stages have 8w, 4w, 2w, w channels (SN-GAN/SAGAN full size: 64). Default `64`. */
  width?: number;
  /** Latent dimension of z ~ N(0, I). Default `128`. */
  latentDim?: number;
  /** What to insert at the attention slots. Default `'self-attention'` (SAGAN baseline). */
  attention?: AttentionKind;
  /** Spatial sizes after which a slot is filled, e.g. `[16]`. Defaults: 32×32 `[16]`, 64×64 `[16, 32]`. */
  attentionAt?: number[];
  /** Normalisation after each upsampling. Default `'batch'`. */
  normalization?: GeneratorNormalization;
  /** GIU module options when `attention` is `'giu'`. Default: {@link GIUModule} defaults. */
  giu?: GIUModuleArgs;
  /** Base seed of every initialiser. Default unseeded. */
  seed?: number;
}

/** Options of the discriminators ({@link createDiscriminator32}, {@link createDiscriminator64}). */
export interface DiscriminatorOptions {
  /** Base width w (full size 64). Default `64`. */
  width?: number;
  /** What to insert at the attention slots. Default `'self-attention'`. */
  attention?: AttentionKind;
  /** Spatial sizes after which a slot is filled. Defaults: 32×32 `[16]`, 64×64 `[8, 4]`. */
  attentionAt?: number[];
  /** Spectral normalisation on every convolution and the output layer. Default `true`. */
  spectralNorm?: boolean;
  /** LeakyReLU slope. Default `0.1` (SN-GAN / SAGAN). */
  leakySlope?: number;
  /** GIU module options when `attention` is `'giu'`. */
  giu?: GIUModuleArgs;
  /** Base seed of every initialiser. Default unseeded. */
  seed?: number;
}

const GENERATOR_KEYS = ['width', 'latentDim', 'attention', 'attentionAt', 'normalization', 'giu', 'seed'];
const DISCRIMINATOR_KEYS = ['width', 'attention', 'attentionAt', 'spectralNorm', 'leakySlope', 'giu', 'seed'];
const ATTENTION: readonly AttentionKind[] = ['none', 'self-attention', 'giu'];

/** Resolved generator options. */
export type ResolvedGeneratorOptions = Required<Omit<GeneratorOptions, 'seed' | 'giu'>> & {
  seed: number | undefined;
  giu: GIUModuleArgs;
};
/** Resolved discriminator options. */
export type ResolvedDiscriminatorOptions = Required<Omit<DiscriminatorOptions, 'seed' | 'giu'>> & {
  seed: number | undefined;
  giu: GIUModuleArgs;
};

function checkSlots(owner: string, at: unknown, allowed: readonly number[]): number[] {
  if (!Array.isArray(at) || !at.every((s) => allowed.includes(s as number))) {
    throw new GanOptionError(
      `${owner}: attentionAt must list sizes among ${allowed.join(', ')}, got ${JSON.stringify(at)}`,
    );
  }
  return [...(at as number[])];
}

export function resolveGeneratorOptions(
  owner: string,
  options: GeneratorOptions,
  defaultSlots: number[],
  allowedSlots: readonly number[],
): ResolvedGeneratorOptions {
  checkKeys(owner, options, GENERATOR_KEYS);
  return {
    width: positiveInt(owner, 'width', options.width ?? 64),
    latentDim: positiveInt(owner, 'latentDim', options.latentDim ?? 128),
    attention: oneOf(owner, 'attention', options.attention ?? 'self-attention', ATTENTION),
    attentionAt: checkSlots(owner, options.attentionAt ?? defaultSlots, allowedSlots),
    normalization: oneOf(owner, 'normalization', options.normalization ?? 'batch', ['batch', 'rbn']),
    giu: checkGIUOptions(options.giu ?? {}),
    seed: options.seed,
  };
}

export function resolveDiscriminatorOptions(
  owner: string,
  options: DiscriminatorOptions,
  defaultSlots: number[],
  allowedSlots: readonly number[],
): ResolvedDiscriminatorOptions {
  checkKeys(owner, options, DISCRIMINATOR_KEYS);
  const leakySlope = options.leakySlope ?? 0.1;
  if (!(typeof leakySlope === 'number' && leakySlope >= 0 && leakySlope < 1)) {
    throw new GanOptionError(`${owner}: leakySlope must be in [0, 1), got ${String(leakySlope)}`);
  }
  return {
    width: positiveInt(owner, 'width', options.width ?? 64),
    attention: oneOf(owner, 'attention', options.attention ?? 'self-attention', ATTENTION),
    attentionAt: checkSlots(owner, options.attentionAt ?? defaultSlots, allowedSlots),
    spectralNorm: options.spectralNorm ?? true,
    leakySlope,
    giu: checkGIUOptions(options.giu ?? {}),
    seed: options.seed,
  };
}

/** A seed source: successive layers get base, base + 1, … (undefined stays undefined). */
export function seedCounter(base: number | undefined): () => number | undefined {
  let i = 0;
  return () => (base === undefined ? undefined : base + 100 * i++);
}

/** The DCGAN N(0, 0.02) initialiser. */
export function dcganInit(seed: number | undefined): ReturnType<typeof tfl.initializers.randomNormal> {
  return tfl.initializers.randomNormal({ mean: 0, stddev: DCGAN_INIT_STDDEV, seed });
}

/** BatchNorm with PyTorch constants, or RBN. */
export function normalizationLayer(kind: GeneratorNormalization): tfl.layers.Layer {
  return kind === 'rbn'
    ? new RepresentativeBatchNorm()
    : tfl.layers.batchNormalization({ momentum: 1 - TORCH_BN_MOMENTUM, epsilon: TORCH_BN_EPSILON });
}

/** The layer at an attention slot, or null for `'none'`. */
export function attentionLayer(
  kind: AttentionKind,
  giu: GIUModuleArgs,
  seed: number | undefined,
): tfl.layers.Layer | null {
  if (kind === 'none') return null;
  if (kind === 'self-attention') return new SelfAttention(seed === undefined ? {} : { seed });
  return new GIUModule({ ...giu, ...(seed === undefined || giu.seed !== undefined ? {} : { seed }) });
}
