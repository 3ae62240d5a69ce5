import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { positiveInt } from '../internal/validate';
import type { LayerArgs } from './layer-args';
import { readSpectralKernel } from './spectral-normalization';

/** Standard deviation of the DCGAN weight initialiser (Radford et al. 2016). */
export const DCGAN_INIT_STDDEV = 0.02;

/** The arguments every spectrally normalised layer takes. */
export interface SpectralLayerArgs extends LayerArgs {
  /** Add a bias. Default `true`. */
  useBias?: boolean;
  /** Apply spectral normalisation. Default `true`; `false` gives the plain layer. */
  spectralNorm?: boolean;
  /** Power-iteration steps per training call. Default `1`. */
  powerIterations?: number;
  /** Seed of the N(0, 0.02) kernel initialiser (DCGAN); u is seeded with `seed + 3`. Default unseeded. */
  seed?: number;
}

/**
 * What `SpectralConv2D` and `SpectralDense` share: the options above, the weights (an N(0, 0.02) kernel with its
 * output axis last, a zero bias, the non-trainable `[out]` vector u of the power iteration — created in that
 * order, so saved weights keep their layout), the kernel read through {@link readSpectralKernel}, and the
 * shared part of the config.
 */
export abstract class SpectralLayer extends tfl.layers.Layer {
  declare readonly useBias: boolean;
  declare readonly spectralNorm: boolean;
  declare readonly powerIterations: number;
  declare readonly seed: number | undefined;
  declare private kernel: tfl.LayerVariable | null;
  declare private bias: tfl.LayerVariable | null;
  declare private u: tfl.LayerVariable | null;

  protected constructor(owner: string, args: SpectralLayerArgs) {
    const { useBias = true, spectralNorm = true, powerIterations = 1, seed, ...base } = args;
    super(base);
    this.useBias = useBias;
    this.spectralNorm = spectralNorm;
    this.powerIterations = positiveInt(owner, 'powerIterations', powerIterations);
    this.seed = seed;
    this.kernel = null;
    this.bias = null;
    this.u = null;
  }

  /** Creates the kernel `kernelShape` (output axis last), the bias and u; call from `build`. */
  protected addSpectralWeights(kernelShape: number[]): void {
    const out = kernelShape[kernelShape.length - 1]!;
    this.kernel = this.addWeight(
      'kernel',
      kernelShape,
      'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev: DCGAN_INIT_STDDEV, seed: this.seed }),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [out], 'float32', tfl.initializers.zeros());
    if (this.spectralNorm) {
      this.u = this.addWeight(
        'sn_u',
        [out],
        'float32',
        tfl.initializers.randomNormal({
          mean: 0,
          stddev: 1,
          seed: this.seed === undefined ? undefined : this.seed + 3,
        }),
        undefined,
        false,
      );
    }
    this.built = true;
  }

  /** The kernel of this call (normalised when spectral normalisation is on; u updated in training); inside a tidy. */
  protected spectralKernel<T extends tf.Tensor>(training: boolean): T {
    return readSpectralKernel<T>(
      this.kernel!,
      this.spectralNorm ? this.u : null,
      this.powerIterations,
      training,
    );
  }

  /** `y` plus the bias when the layer has one. */
  protected withBias(y: tf.Tensor): tf.Tensor {
    return this.useBias ? tf.add(y, this.bias!.read()) : y;
  }

  /** The config entries of {@link SpectralLayerArgs} (seed only when set). */
  protected spectralConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      useBias: this.useBias,
      spectralNorm: this.spectralNorm,
      powerIterations: this.powerIterations,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
