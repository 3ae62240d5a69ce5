import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { checkKeys, finiteIn, GanOptionError, oneOf, positiveInt } from '../internal/validate';
import { INVOLUTION_REDUCTION, Involution2D } from './involution-2d';
import { type CallKwargs, type LayerArgs } from './layer-args';
import { SE_REDUCTION, SqueezeExcitation } from './squeeze-excitation';

/** How involution (Inv) and squeeze-excitation (SE) are chained inside a {@link GIUModule}. */
export type GIUOrder = 'involution-se' | 'se-involution' | 'parallel';
/** The residual around the GIU branch f: `'none'` y = f(x); `'identity'` y = x + f(x); `'gated'` y = x + γ·f(x), γ init 0. */
export type GIUResidual = 'none' | 'identity' | 'gated';

/**
 * The wirings listed in the reference notes (giu-gan.md §4). The GIU-GAN paper (arXiv 2201.10471) does
 * not publish the module's wiring; `C` is the project's default, a reading, not a verified fact.
 */
export const GIU_WIRINGS = {
  /** y = SE(Inv(x)). */
  A: { order: 'involution-se', residual: 'none' },
  /** y = Inv(SE(x)). */
  B: { order: 'se-involution', residual: 'none' },
  /** y = x + γ·SE(Inv(x)), γ learnable, init 0 (SAGAN-style gated residual). Default. */
  C: { order: 'involution-se', residual: 'gated' },
  /** y = Inv(x) ⊙ s(x), the SE excitation computed from x in parallel. */
  D: { order: 'parallel', residual: 'none' },
} as const satisfies Record<string, { order: GIUOrder; residual: GIUResidual }>;

/** Constructor arguments of {@link GIUModule}. */
export interface GIUModuleArgs extends LayerArgs {
  /** Chaining of involution and SE. Default `'involution-se'` (wiring C with the default residual). */
  order?: GIUOrder;
  /** Residual around the branch. Default `'gated'`. */
  residual?: GIUResidual;
  /** Initial value of the gate γ when `residual` is `'gated'`. Default `0` (as SAGAN's attention gate). */
  gateInit?: number;
  /** Involution kernel size K (odd). Default `3`. */
  kernelSize?: number;
  /** Involution groups G. Default: C / 16. Exclusive with `groupChannels`. */
  groups?: number;
  /** Involution channels per group. Default `16`. */
  groupChannels?: number;
  /** Involution kernel-generation reduction. Default `4`. */
  involutionReduction?: number;
  /** SE reduction. Default `16`. */
  seReduction?: number;
  /** Seed of the initialisers. Default unseeded. */
  seed?: number;
}

const ORDERS: readonly GIUOrder[] = ['involution-se', 'se-involution', 'parallel'];
const RESIDUALS: readonly GIUResidual[] = ['none', 'identity', 'gated'];

/**
 * The GIU ("global information utilization") module of GIU-GANs (Tian et al., Neural Networks 152, 2022,
 * arXiv 2201.10471): SE channel attention combined with involution. **The exact wiring is not published**;
 * `order` and `residual` select among the plausible readings ({@link GIU_WIRINGS}), and the default —
 * y = x + γ·SE(Inv(x)) with γ initialised to 0, placed where SAGAN puts self-attention — is the
 * project's inference, documented as such.
 *
 * Input `[batch, height, width, channels]` → same shape (stride 1). Pass `{ training: true }` to `apply` in
 * training (the involution's kernel branch has a BatchNorm).
 *
 * @example
 * const giu = new GIUModule({ ...GIU_WIRINGS.C, kernelSize: 3 });
 * const y = giu.apply(x, { training: true }) as tf.Tensor4D;
 */
export class GIUModule extends tfl.layers.Layer {
  /** Serialization name; a persisted format, never rename. */
  static readonly className = 'FrxGIUModule';

  declare readonly order: GIUOrder;
  declare readonly residual: GIUResidual;
  declare readonly gateInit: number;
  declare readonly kernelSize: number;
  declare readonly groups: number | undefined;
  declare readonly groupChannels: number | undefined;
  declare readonly involutionReduction: number;
  declare readonly seReduction: number;
  declare readonly seed: number | undefined;
  declare readonly involution: Involution2D;
  declare readonly squeezeExcitation: SqueezeExcitation;
  declare private gate: tfl.LayerVariable | null;

  constructor(args: GIUModuleArgs = {}) {
    const {
      order = 'involution-se',
      residual = 'gated',
      gateInit = 0,
      kernelSize = 3,
      groups,
      groupChannels,
      involutionReduction = INVOLUTION_REDUCTION,
      seReduction = SE_REDUCTION,
      seed,
      ...base
    } = args;
    super(base);
    this.order = oneOf('GIUModule', 'order', order, ORDERS);
    this.residual = oneOf('GIUModule', 'residual', residual, RESIDUALS);
    this.gateInit = finiteIn('GIUModule', 'gateInit', gateInit);
    this.kernelSize = positiveInt('GIUModule', 'kernelSize', kernelSize);
    this.groups = groups;
    this.groupChannels = groupChannels;
    this.involutionReduction = positiveInt('GIUModule', 'involutionReduction', involutionReduction);
    this.seReduction = positiveInt('GIUModule', 'seReduction', seReduction);
    this.seed = seed;
    const involutionArgs: ConstructorParameters<typeof Involution2D>[0] = {
      name: `${this.name}_involution`,
      kernelSize,
      reduction: involutionReduction,
    };
    if (groups !== undefined) involutionArgs.groups = groups;
    if (groupChannels !== undefined) involutionArgs.groupChannels = groupChannels;
    if (seed !== undefined) involutionArgs.seed = seed;
    this.involution = new Involution2D(involutionArgs);
    this.squeezeExcitation = new SqueezeExcitation({
      name: `${this.name}_se`,
      reduction: seReduction,
      ...(seed === undefined ? {} : { seed: seed + 7 }),
    });
    this.gate = null;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.involution.build(inputShape);
    this.squeezeExcitation.build(inputShape);
    if (this.residual === 'gated') {
      this.gate = this.addWeight('gate', [1], 'float32', tfl.initializers.constant({ value: this.gateInit }));
    }
    this.built = true;
  }

  // The sub-layers' weights are this layer's weights: models, optimisers and savers see them here.
  override get trainableWeights(): tfl.LayerVariable[] {
    if (!this.trainable) return [];
    return [
      ...super.trainableWeights,
      ...this.involution.trainableWeights,
      ...this.squeezeExcitation.trainableWeights,
    ];
  }

  override get nonTrainableWeights(): tfl.LayerVariable[] {
    const own = super.nonTrainableWeights;
    if (!this.trainable) {
      return [...own, ...this.involution.weights, ...this.squeezeExcitation.weights];
    }
    return [...own, ...this.involution.nonTrainableWeights, ...this.squeezeExcitation.nonTrainableWeights];
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const opts = { training: kwargs.training === true };
      let branch: tf.Tensor;
      if (this.order === 'involution-se') {
        branch = this.squeezeExcitation.call(this.involution.call(x, opts));
      } else if (this.order === 'se-involution') {
        branch = this.involution.call(this.squeezeExcitation.call(x), opts);
      } else {
        const s = this.squeezeExcitation.excitation(x);
        branch = tf.mul(this.involution.call(x, opts), tf.reshape(s, [x.shape[0], 1, 1, x.shape[3]]));
      }
      if (this.residual === 'none') return branch;
      if (this.residual === 'identity') return tf.add(x, branch);
      return tf.add(x, tf.mul(this.gate!.read(), branch));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      order: this.order,
      residual: this.residual,
      gateInit: this.gateInit,
      kernelSize: this.kernelSize,
      involutionReduction: this.involutionReduction,
      seReduction: this.seReduction,
    };
    if (this.groups !== undefined) config.groups = this.groups;
    if (this.groupChannels !== undefined) config.groupChannels = this.groupChannels;
    if (this.seed !== undefined) config.seed = this.seed;
    return { ...config, ...super.getConfig() };
  }
}

/** Validates a plain-object GIU configuration (e.g. from a CLI or JSON) and returns it typed. */
export function checkGIUOptions(options: GIUModuleArgs): GIUModuleArgs {
  checkKeys('GIUModule', options, [
    'order',
    'residual',
    'gateInit',
    'kernelSize',
    'groups',
    'groupChannels',
    'involutionReduction',
    'seReduction',
    'seed',
    'name',
  ]);
  if (options.kernelSize !== undefined && options.kernelSize % 2 !== 1) {
    throw new GanOptionError(`GIUModule: kernelSize must be odd, got ${options.kernelSize}`);
  }
  return options;
}
