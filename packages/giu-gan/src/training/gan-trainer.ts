import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { Adam, type OptimizerState } from '@frx/mhlr';
import {
  createRng,
  randomNormalTensor,
  randomUniformTensor,
  type Rng,
  type RngState,
} from '@frx/tensor-utils';

import { checkKeys, finiteIn, GanOptionError, oneOf, positiveInt } from '../internal/validate';
import { ganLoss, type GanLossKind, gradientPenalty, WGAN_GP_LAMBDA } from '../losses/gan-losses';
import { ExponentialMovingAverage, GENERATOR_EMA_DECAY } from './ema';

/** An optimiser the trainer can use; a `getState`/`setState` pair (as `@frx/mhlr` optimisers have) makes it checkpointable. */
export type GanOptimizer = tf.Optimizer & {
  getState?: () => OptimizerState;
  setState?: (state: OptimizerState) => void;
};

/** Adam settings of SAGAN (Zhang et al. 2019; heykeetae `parameter.py`): two time-scale learning rates, β = (0, 0.9). */
export const SAGAN_ADAM = {
  generator: { learningRate: 1e-4, beta1: 0, beta2: 0.9 },
  discriminator: { learningRate: 4e-4, beta1: 0, beta2: 0.9 },
} as const;

/** Options of {@link GanTrainer}. */
export interface GanTrainerOptions {
  /** Generator `[batch, latentDim] → [batch, h, w, c]`. Required. */
  generator: tfl.LayersModel;
  /** Discriminator `[batch, h, w, c] → [batch, 1]`. Required. */
  discriminator: tfl.LayersModel;
  /** Objective. Default `'hinge'` (with spectral norm, no second-order gradients). */
  loss?: GanLossKind;
  /** Generator optimiser. Default `@frx/mhlr` Adam lr 1e-4, β (0, 0.9) ({@link SAGAN_ADAM}). */
  generatorOptimizer?: GanOptimizer;
  /** Discriminator optimiser. Default Adam lr 4e-4, β (0, 0.9). */
  discriminatorOptimizer?: GanOptimizer;
  /** Discriminator steps per generator step (n_critic). Default `1` (`5` for WGAN-GP, as its paper). */
  criticSteps?: number;
  /** WGAN-GP penalty weight λ. Default `10`. */
  gradientPenaltyWeight?: number;
  /** Decay of the generator's weight EMA; `0` disables the EMA. Default `0.999`. */
  emaDecay?: number;
  /** Generator steps before the EMA starts tracking (before it, the EMA copies the weights). Default `0`. */
  emaStart?: number;
  /** TensorFlow's num_updates warm-up of the EMA decay, min(decay, (1 + t)/(10 + t)). Default `true`. */
  emaWarmup?: boolean;
  /** Seed of latent vectors and WGAN-GP interpolation weights. Default `0`. */
  seed?: number | string;
}

/** What one {@link GanTrainer.trainStep} measured. */
export interface GanStepLog {
  /** Generator steps done, this one included. */
  step: number;
  /** Mean discriminator loss over the critic steps (penalty included). */
  lossD: number;
  /** Generator loss. */
  lossG: number;
  /** Mean gradient penalty over the critic steps (WGAN-GP only). */
  gradientPenalty?: number;
  /** Mean raw D score on real and fake images of the last critic step. */
  scoreReal: number;
  scoreFake: number;
  /** Wall time of the step in milliseconds. */
  ms: number;
}

/** A tensor as JSON. */
export interface TensorJson {
  shape: number[];
  values: number[];
}

/** Everything needed to resume training exactly; survives `JSON.stringify`. */
export interface GanCheckpoint {
  format: 'frx-gan-checkpoint';
  version: 1;
  step: number;
  loss: GanLossKind;
  rng: RngState;
  /** All weights (trainable and not) in `model.weights` order. */
  generator: TensorJson[];
  discriminator: TensorJson[];
  /** EMA of the generator's trainable weights, or null. */
  ema: TensorJson[] | null;
  /** EMA updates done (for its warm-up). */
  emaUpdates: number;
  /** Optimiser states with variables keyed by their position (`'3'`), not by their process-dependent names. */
  generatorOptimizer: OptimizerState | null;
  discriminatorOptimizer: OptimizerState | null;
}

const OPTION_KEYS = [
  'generator',
  'discriminator',
  'loss',
  'generatorOptimizer',
  'discriminatorOptimizer',
  'criticSteps',
  'gradientPenaltyWeight',
  'emaDecay',
  'emaStart',
  'emaWarmup',
  'seed',
];

/** The tf.Variable behind a layer weight (`read()` is typed as a plain tensor). */
function variableOf(w: tfl.LayerVariable): tf.Variable {
  return w.read() as tf.Variable;
}

function toJson(t: tf.Tensor): TensorJson {
  return { shape: t.shape.slice(), values: Array.from(t.dataSync()) };
}

function renameState(
  state: OptimizerState,
  rename: (name: string) => string | undefined,
  what: string,
): OptimizerState {
  const variables: OptimizerState['variables'] = {};
  for (const [name, value] of Object.entries(state.variables)) {
    const next = rename(name);
    if (next === undefined)
      throw new GanOptionError(`GanTrainer: the ${what} state names unknown variable '${name}'`);
    variables[next] = value;
  }
  return { ...state, variables };
}

/**
 * Adversarial training of a generator and a discriminator with separate optimisers (SAGAN two time-scale
 * Adam by default), n_critic discriminator steps per generator step, an EMA of the generator weights, a
 * seeded latent stream, and exact checkpoint/resume. Leak-free: the tensor count is constant across steps.
 *
 * Follows the alternating scheme of Goodfellow et al. 2014 with the SAGAN (arXiv 1805.08318) defaults.
 *
 * @example
 * const { generator, discriminator } = createGan({ resolution: 32, variant: 'giu', width: 16, seed: 1 });
 * const trainer = new GanTrainer({ generator, discriminator, loss: 'hinge', seed: 1 });
 * const log = await trainer.trainStep(realBatch); // realBatch: [64, 32, 32, 3] in [-1, 1]
 * const samples = trainer.sample(16);              // EMA generator, [16, 32, 32, 3]
 */
export class GanTrainer {
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
  readonly loss: GanLossKind;
  readonly criticSteps: number;
  readonly gradientPenaltyWeight: number;
  readonly emaDecay: number;
  readonly emaStart: number;
  readonly latentDim: number;
  readonly generatorOptimizer: GanOptimizer;
  readonly discriminatorOptimizer: GanOptimizer;
  private readonly rng: Rng;
  private readonly ema: ExponentialMovingAverage | null;
  private steps = 0;

  constructor(options: GanTrainerOptions) {
    checkKeys('GanTrainer', options, OPTION_KEYS);
    if (!options.generator || !options.discriminator)
      throw new GanOptionError('GanTrainer: generator and discriminator are required');
    this.generator = options.generator;
    this.discriminator = options.discriminator;
    this.loss = oneOf('GanTrainer', 'loss', options.loss ?? 'hinge', ['hinge', 'non-saturating', 'wgan-gp']);
    this.criticSteps = positiveInt(
      'GanTrainer',
      'criticSteps',
      options.criticSteps ?? (this.loss === 'wgan-gp' ? 5 : 1),
    );
    this.gradientPenaltyWeight = finiteIn(
      'GanTrainer',
      'gradientPenaltyWeight',
      options.gradientPenaltyWeight ?? WGAN_GP_LAMBDA,
      0,
    );
    this.emaDecay = finiteIn('GanTrainer', 'emaDecay', options.emaDecay ?? GENERATOR_EMA_DECAY, 0, 0.999999);
    this.emaStart = finiteIn('GanTrainer', 'emaStart', options.emaStart ?? 0, 0);
    const inputShape = this.generator.inputs[0]?.shape;
    const latentDim = inputShape?.[1];
    if (inputShape?.length !== 2 || typeof latentDim !== 'number') {
      throw new GanOptionError(
        `GanTrainer: the generator input must be [batch, latentDim], got ${JSON.stringify(inputShape)}`,
      );
    }
    this.latentDim = latentDim;
    this.generatorOptimizer = options.generatorOptimizer ?? new Adam(SAGAN_ADAM.generator);
    this.discriminatorOptimizer = options.discriminatorOptimizer ?? new Adam(SAGAN_ADAM.discriminator);
    this.rng = createRng(options.seed ?? 0);
    this.ema =
      this.emaDecay > 0
        ? new ExponentialMovingAverage(
            this.generator.trainableWeights,
            this.emaDecay,
            options.emaWarmup ?? true,
          )
        : null;
  }

  /** Generator steps done so far. */
  get step(): number {
    return this.steps;
  }

  /** `count` latent vectors z ~ N(0, I) from the trainer's seeded stream: `[count, latentDim]`. */
  latent(count: number): tf.Tensor2D {
    positiveInt('GanTrainer.latent', 'count', count);
    return randomNormalTensor([count, this.latentDim], this.rng) as tf.Tensor2D;
  }

  /**
   * One generator step preceded by `criticSteps` discriminator steps.
   *
   * @param real real images in [−1, 1], `[batch, h, w, c]`: one batch per critic step (an array of
   *   `criticSteps` batches), or one batch reused by every critic step. Not disposed.
   */
  async trainStep(real: tf.Tensor4D | tf.Tensor4D[]): Promise<GanStepLog> {
    const start = performance.now();
    const batches = Array.isArray(real) ? real : Array.from({ length: this.criticSteps }, () => real);
    if (batches.length !== this.criticSteps) {
      throw new GanOptionError(
        `GanTrainer.trainStep: expected ${this.criticSteps} real batches (criticSteps), got ${batches.length}`,
      );
    }
    const loss = ganLoss(this.loss);
    const dVars = this.discriminator.trainableWeights.map(variableOf);
    const gVars = this.generator.trainableWeights.map(variableOf);
    const dApply = (x: tf.Tensor) => this.discriminator.apply(x, { training: true }) as tf.Tensor;
    const gApply = (z: tf.Tensor) => this.generator.apply(z, { training: true }) as tf.Tensor4D;

    const dLosses: tf.Scalar[] = [];
    const penalties: tf.Scalar[] = [];
    let scores: tf.Tensor[] = [];
    for (const batch of batches) {
      const n = batch.shape[0];
      const z = this.latent(n);
      const epsilon = this.loss === 'wgan-gp' ? (randomUniformTensor([n], this.rng) as tf.Tensor1D) : null;
      const fake = tf.tidy(() => gApply(z));
      tf.dispose(scores);
      const { value, grads } = tf.variableGrads(() => {
        const sReal = dApply(batch);
        const sFake = dApply(fake);
        let total = loss.discriminator(sReal, sFake);
        if (epsilon) {
          const gp = gradientPenalty((x) => dApply(x), batch, fake, epsilon, this.gradientPenaltyWeight);
          penalties.push(tf.keep(tf.clone(gp)));
          total = tf.add(total, gp);
        }
        scores = [tf.keep(tf.mean(sReal)), tf.keep(tf.mean(sFake))];
        return total;
      }, dVars);
      this.discriminatorOptimizer.applyGradients(grads);
      tf.dispose([grads, z, fake]);
      epsilon?.dispose();
      dLosses.push(value);
    }

    const n = batches[0]!.shape[0];
    const z = this.latent(n);
    const { value: lossG, grads } = tf.variableGrads(() => loss.generator(dApply(gApply(z))), gVars);
    this.generatorOptimizer.applyGradients(grads);
    tf.dispose([grads, z]);
    this.steps += 1;
    if (this.ema) {
      if (this.steps <= this.emaStart) this.ema.load(this.generator.trainableWeights.map((w) => w.read()));
      else this.ema.update();
    }

    const lossD = tf.tidy(() => tf.mean(tf.stack(dLosses)));
    const gp = penalties.length ? tf.tidy(() => tf.mean(tf.stack(penalties))) : null;
    const [lossDValue, lossGValue, realValue, fakeValue, gpValue] = await Promise.all([
      lossD.data(),
      lossG.data(),
      scores[0]!.data(),
      scores[1]!.data(),
      gp ? gp.data() : Promise.resolve(null),
    ]);
    tf.dispose([lossD, lossG, dLosses, penalties, scores]);
    gp?.dispose();
    const log: GanStepLog = {
      step: this.steps,
      lossD: lossDValue[0]!,
      lossG: lossGValue[0]!,
      scoreReal: realValue[0]!,
      scoreFake: fakeValue[0]!,
      ms: performance.now() - start,
    };
    if (gpValue) log.gradientPenalty = gpValue[0]!;
    return log;
  }

  /**
   * Generates images with the EMA generator (the live one when the EMA is disabled), in inference mode.
   *
   * @param input a number of images (latents from the trainer's stream) or latents `[count, latentDim]`.
   * @returns `[count, h, w, c]` in [−1, 1].
   */
  sample(input: number | tf.Tensor2D): tf.Tensor4D {
    const z = typeof input === 'number' ? this.latent(input) : input;
    try {
      const run = () => this.generator.apply(z, { training: false }) as tf.Tensor4D;
      return tf.tidy(() => (this.ema ? this.ema.run(run) : run()));
    } finally {
      if (z !== input) z.dispose();
    }
  }

  /** The full training state as JSON-friendly data (reads tensors synchronously). */
  getCheckpoint(): GanCheckpoint {
    const gIndex = new Map(this.generator.trainableWeights.map((w, i) => [variableOf(w).name, String(i)]));
    const dIndex = new Map(
      this.discriminator.trainableWeights.map((w, i) => [variableOf(w).name, String(i)]),
    );
    const optimizerState = (opt: GanOptimizer, index: Map<string, string>, what: string) =>
      opt.getState ? renameState(opt.getState(), (name) => index.get(name), what) : null;
    let ema: TensorJson[] | null = null;
    if (this.ema) {
      const values = this.ema.snapshot();
      ema = values.map(toJson);
      tf.dispose(values);
    }
    return {
      format: 'frx-gan-checkpoint',
      version: 1,
      step: this.steps,
      loss: this.loss,
      rng: this.rng.getState(),
      generator: this.generator.weights.map((w) => toJson(w.read())),
      discriminator: this.discriminator.weights.map((w) => toJson(w.read())),
      ema,
      emaUpdates: this.ema?.updates ?? 0,
      generatorOptimizer: optimizerState(this.generatorOptimizer, gIndex, 'generator optimizer'),
      discriminatorOptimizer: optimizerState(this.discriminatorOptimizer, dIndex, 'discriminator optimizer'),
    };
  }

  /**
   * Restores a state from {@link GanTrainer.getCheckpoint} into models of the same architecture.
   * @throws GanOptionError naming the field that does not match.
   */
  loadCheckpoint(checkpoint: GanCheckpoint): void {
    if (checkpoint?.format !== 'frx-gan-checkpoint' || checkpoint.version !== 1) {
      throw new GanOptionError('GanTrainer.loadCheckpoint: not a version-1 frx-gan-checkpoint');
    }
    if (checkpoint.loss !== this.loss) {
      throw new GanOptionError(
        `GanTrainer.loadCheckpoint: checkpoint loss '${checkpoint.loss}' differs from '${this.loss}'`,
      );
    }
    const restore = (model: tfl.LayersModel, saved: TensorJson[], what: string) => {
      const weights = model.weights;
      if (saved.length !== weights.length) {
        throw new GanOptionError(
          `GanTrainer.loadCheckpoint: ${what} has ${saved.length} weights, the model ${weights.length}`,
        );
      }
      weights.forEach((w, i) => {
        const s = saved[i]!;
        if (s.shape.join() !== w.shape.join()) {
          throw new GanOptionError(
            `GanTrainer.loadCheckpoint: ${what} weight ${i} (${w.name}) has shape [${s.shape.join(', ')}], expected [${w.shape.join(', ')}]`,
          );
        }
        tf.tidy(() => {
          w.write(tf.tensor(s.values, s.shape, 'float32'));
        });
      });
    };
    restore(this.generator, checkpoint.generator, 'generator');
    restore(this.discriminator, checkpoint.discriminator, 'discriminator');
    if (this.ema) {
      if (!checkpoint.ema)
        throw new GanOptionError('GanTrainer.loadCheckpoint: the checkpoint has no EMA weights');
      const values = checkpoint.ema.map((s) => tf.tensor(s.values, s.shape, 'float32'));
      try {
        this.ema.load(values);
      } finally {
        tf.dispose(values);
      }
      this.ema.updates = checkpoint.emaUpdates ?? 0;
    }
    const restoreOptimizer = (
      opt: GanOptimizer,
      state: OptimizerState | null,
      model: tfl.LayersModel,
      what: string,
    ) => {
      if (!state) return;
      if (!opt.setState)
        throw new GanOptionError(`GanTrainer.loadCheckpoint: the ${what} cannot restore state (no setState)`);
      const names = model.trainableWeights.map((w) => variableOf(w).name);
      opt.setState(renameState(state, (key) => names[Number(key)], what));
    };
    restoreOptimizer(
      this.generatorOptimizer,
      checkpoint.generatorOptimizer,
      this.generator,
      'generator optimizer',
    );
    restoreOptimizer(
      this.discriminatorOptimizer,
      checkpoint.discriminatorOptimizer,
      this.discriminator,
      'discriminator optimizer',
    );
    this.rng.setState(checkpoint.rng);
    this.steps = checkpoint.step;
  }

  /** Frees the EMA and the optimisers (not the models). */
  dispose(): void {
    this.ema?.dispose();
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
  }
}
