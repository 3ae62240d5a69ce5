import type * as tfl from '@tensorflow/tfjs-layers';

import { checkKeys, GanOptionError, oneOf, positiveInt } from '../internal/validate';
import type { GIUModuleArgs } from '../layers/giu-module';
import type { DiscriminatorOptions, GeneratorOptions } from './backbone-options';
import { createDiscriminator32 } from './discriminator-32';
import { createDiscriminator64 } from './discriminator-64';
import { createGenerator32 } from './generator-32';
import { createGenerator64 } from './generator-64';

/** The two model families compared in the project. */
export type GanVariant = 'baseline' | 'giu';

/** Options of {@link createGan}. */
export interface CreateGanOptions {
  /** Image size. Required: `32` (CIFAR-10) or `64` (CelebA). */
  resolution: 32 | 64;
  /**
   * `'baseline'`: SAGAN-style (BN generator, self-attention at the slots, SN discriminator).
   * `'giu'`: GIU-GAN (RBN generator, GIU modules at the slots of G and D, SN discriminator). Default `'giu'`.
   */
  variant?: GanVariant;
  /** Base width of both networks (full size 64). Default `64`. */
  width?: number;
  /** Latent dimension. Default `128`. */
  latentDim?: number;
  /** GIU module options (wiring, K, groups, reductions). */
  giu?: GIUModuleArgs;
  /** Extra generator options (override the preset). */
  generator?: GeneratorOptions;
  /** Extra discriminator options (override the preset). */
  discriminator?: DiscriminatorOptions;
  /** Base seed; G uses it, D uses it + 1. Default unseeded. */
  seed?: number;
}

/** A generator/discriminator pair. */
export interface GanModels {
  generator: tfl.Sequential;
  discriminator: tfl.Sequential;
}

/**
 * Builds a matched generator and discriminator: the SAGAN-style baseline or the GIU-GAN variant (GIU where
 * SAGAN puts attention, RBN replacing BN in G; GIU-GAN, Tian et al. 2022, arXiv 2201.10471 — layouts are
 * the project's design choices since the paper's are unpublished).
 *
 * @example
 * const { generator, discriminator } = createGan({ resolution: 32, variant: 'giu', width: 16, seed: 1 });
 */
export function createGan(options: CreateGanOptions): GanModels {
  checkKeys('createGan', options, [
    'resolution',
    'variant',
    'width',
    'latentDim',
    'giu',
    'generator',
    'discriminator',
    'seed',
  ]);
  if (options.resolution !== 32 && options.resolution !== 64) {
    throw new GanOptionError(`createGan: resolution must be 32 or 64, got ${String(options.resolution)}`);
  }
  const variant = oneOf('createGan', 'variant', options.variant ?? 'giu', ['baseline', 'giu']);
  const width = positiveInt('createGan', 'width', options.width ?? 64);
  const giu = variant === 'giu';
  const seed = options.seed;
  const generator: GeneratorOptions = {
    width,
    latentDim: options.latentDim ?? 128,
    attention: giu ? 'giu' : 'self-attention',
    normalization: giu ? 'rbn' : 'batch',
    ...(options.giu ? { giu: options.giu } : {}),
    ...(seed === undefined ? {} : { seed }),
    ...options.generator,
  };
  const discriminator: DiscriminatorOptions = {
    width,
    attention: giu ? 'giu' : 'self-attention',
    spectralNorm: true,
    ...(options.giu ? { giu: options.giu } : {}),
    ...(seed === undefined ? {} : { seed: seed + 1 }),
    ...options.discriminator,
  };
  return options.resolution === 32
    ? { generator: createGenerator32(generator), discriminator: createDiscriminator32(discriminator) }
    : { generator: createGenerator64(generator), discriminator: createDiscriminator64(discriminator) };
}
