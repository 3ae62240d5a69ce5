import {
  AdamW,
  ConstantScheduler,
  CosineWarmupScheduler,
  FAST_FACE_DEFAULTS,
  FastFaceScheduler,
  MovingHaarScheduler,
  MultiStepScheduler,
  PolynomialWarmupScheduler,
  SGD,
  type LrScheduler,
  type ScheduledOptimizer,
} from '@frx/mhlr';

import type { FaceConfig } from '../config/face-config';

/** Iteration counts of a run, arcface_torch style (the loader drops the last incomplete batch). */
export interface StepBudget {
  stepsPerEpoch: number;
  /** T = round(epochs · stepsPerEpoch): the schedule's length. */
  totalSteps: number;
  warmupSteps: number;
}

/** Steps per epoch, total and warm-up steps for `images` training images. */
export function stepBudget(
  config: Pick<FaceConfig, 'batchSize' | 'epochs' | 'warmupEpochs'>,
  images: number,
): StepBudget {
  const stepsPerEpoch = Math.floor(images / config.batchSize);
  return {
    stepsPerEpoch,
    totalSteps: Math.max(1, Math.round(config.epochs * stepsPerEpoch)),
    warmupSteps: Math.round(config.warmupEpochs * stepsPerEpoch),
  };
}

/**
 * Iterations of the run FastFace's constants were tuned on: MS1MV3, batch 128, 5 epochs (amoonfana/FastFace
 * `Output/ms1mv3_epoch5_r100.txt`; Gong et al., arXiv 2404.11118).
 */
export const FAST_FACE_REFERENCE_STEPS = 202_320;

/** Cap of the budget-scaled EMA rates: beyond 0.5 the EMA follows the newest loss more than its past. */
const MAX_EMA_RATE = 0.5;

/** Smallest MHLR window the scheduler accepts. */
const MIN_MHLR_WINDOW = 2;

/**
 * The learning-rate schedule a config names (all of `@frx/mhlr`, stepped once per iteration):
 * `mhlr` = MHLR v1 (moving Haar, m = ⌊0.015·T⌋, at least 2), `fastface` = MHLR v2, `poly` =
 * arcface_torch `PolynomialLRWarmup` (power 1), `multistep` (milestones in epochs), `cosine` with warm-up,
 * `constant`.
 */
export function buildScheduler(config: FaceConfig, budget: StepBudget): LrScheduler {
  const { lr } = config;
  const { totalSteps, warmupSteps, stepsPerEpoch } = budget;
  switch (config.scheduler) {
    case 'mhlr':
      return new MovingHaarScheduler({
        lr,
        window: Math.max(MIN_MHLR_WINDOW, Math.floor(0.015 * totalSteps)),
      });
    case 'fastface': {
      if (config.schedulerConstants !== 'budget') return new FastFaceScheduler({ lr, totalSteps });
      const k = FAST_FACE_REFERENCE_STEPS / totalSteps;
      const rate = Math.min(MAX_EMA_RATE, FAST_FACE_DEFAULTS.alpha * k);
      return new FastFaceScheduler({
        lr,
        totalSteps,
        alpha: rate,
        beta: rate,
        lambda: FAST_FACE_DEFAULTS.lambda * k,
      });
    }
    case 'poly':
      return new PolynomialWarmupScheduler({ lr, totalSteps, warmupSteps });
    case 'multistep':
      return new MultiStepScheduler({
        lr,
        milestones: config.milestones.map((e) => Math.round(e * stepsPerEpoch)),
        gamma: config.gamma,
        warmupSteps,
      });
    case 'cosine':
      return new CosineWarmupScheduler({ lr, totalSteps, warmupSteps });
    case 'constant':
      return new ConstantScheduler({ lr });
  }
}

/**
 * SGD with momentum and coupled weight decay on every parameter (arcface_torch), or AdamW; gradient clipping
 * by global norm over the backbone only (arcface_torch / FastFace `clip_grad_norm_(backbone.parameters(), 5)`).
 *
 * @param headVariableName The head's variable, excluded from clipping.
 */
export function buildOptimizer(config: FaceConfig, headVariableName: string): ScheduledOptimizer {
  const clip =
    config.clipGradNorm > 0
      ? { clipGradNorm: config.clipGradNorm, clipFilter: (name: string) => name !== headVariableName }
      : {};
  if (config.optimizer === 'adamw') {
    return new AdamW({ learningRate: config.lr, weightDecay: config.weightDecay, ...clip });
  }
  return new SGD({
    learningRate: config.lr,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    ...clip,
  });
}
