import type * as tfl from '@tensorflow/tfjs-layers';

import { readTorchCheckpointFile } from '@frx/data-readers/node';
import { iresnet, loadTorchWeights, mobileFaceNet, type IResNetDepth } from '@frx/resnet';

import type { FaceConfig } from '../config/face-config';

/** The backbone fields of a {@link FaceConfig}; stored in every checkpoint to rebuild the model. */
export type BackboneConfig = Pick<
  FaceConfig,
  'backbone' | 'width' | 'embeddingSize' | 'dropout' | 'inputSize'
>;

/**
 * Builds the `@frx/resnet` backbone a config names, seeded: input `[batch, inputSize, inputSize, 3]`,
 * output `[batch, embeddingSize]` (before normalisation).
 *
 * @param config Backbone settings.
 * @param seed Weight-initialisation seed.
 */
export function buildBackbone(config: BackboneConfig, seed: number): tfl.LayersModel {
  if (config.backbone === 'mobilefacenet') {
    return mobileFaceNet({
      inputSize: config.inputSize,
      widthMultiplier: config.width,
      embeddingSize: config.embeddingSize,
      seed,
    });
  }
  const depth = Number(config.backbone.slice('iresnet'.length)) as IResNetDepth;
  return iresnet({
    depth,
    inputSize: config.inputSize,
    widthMultiplier: config.width,
    embeddingSize: config.embeddingSize,
    dropout: config.dropout,
    seed,
  });
}

/**
 * Loads an insightface `backbone.pth` (arcface_torch's saved `state_dict`) into `model` (strict: every
 * weight must match; NCHW → NHWC conversion is done by `loadTorchWeights` of `@frx/resnet`).
 *
 * @returns the number of tensors loaded.
 */
export async function loadPretrainedBackbone(model: tfl.LayersModel, path: string): Promise<number> {
  const stateDict = await readTorchCheckpointFile(path);
  const result = loadTorchWeights(model, stateDict, { strict: true });
  return result.loaded.length;
}
