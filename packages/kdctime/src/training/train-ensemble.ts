import type * as tfl from '@tensorflow/tfjs-layers';

import { positiveInteger } from '../internal/validate';
import type { LabelledSeriesMatrix } from './batches';
import { trainClassifier, type TrainClassifierOptions, type TrainingHistory } from './train-classifier';

/** InceptionTime's ensemble size (hfawaz/InceptionTime `classifiers/nne.py`). */
export const INCEPTION_TIME_ENSEMBLE_SIZE = 5;

/** A trained ensemble. */
export interface TrainedEnsemble {
  /** The member networks (dispose them when done). */
  models: tfl.LayersModel[];
  /** Each member's training history. */
  histories: TrainingHistory[];
}

/**
 * Trains `size` independently initialised networks (InceptionTime = 5); combine them with `predictProbabilities`,
 * which averages their softmax outputs.
 *
 * @param build - creates member `index` (give each its own seed).
 * @param data - training data.
 * @param options - {@link trainClassifier} options, plus `size` (default 5); member i shuffles with seed `seed + i`.
 * @returns the models and their histories.
 *
 * @example
 * const { models } = await trainEnsemble((i) => inceptionTime({ classes: 2, length: 150, seed: i }), train, { epochs: 200 });
 * const p = predictProbabilities(models, test);
 */
export async function trainEnsemble(
  build: (index: number) => tfl.LayersModel,
  data: LabelledSeriesMatrix,
  options: TrainClassifierOptions & { size?: number } = {},
): Promise<TrainedEnsemble> {
  const { size: requested, ...trainOptions } = options;
  const size = positiveInteger('trainEnsemble', 'size', requested, INCEPTION_TIME_ENSEMBLE_SIZE);
  const models: tfl.LayersModel[] = [];
  const histories: TrainingHistory[] = [];
  const baseSeed = trainOptions.seed ?? 0;
  try {
    for (let i = 0; i < size; i++) {
      const model = build(i);
      models.push(model);
      histories.push(await trainClassifier(model, data, { ...trainOptions, seed: `${baseSeed}/${i}` }));
    }
  } catch (error) {
    for (const m of models) m.dispose();
    throw error;
  }
  return { models, histories };
}
