import type * as tfl from '@tensorflow/tfjs-layers';

/** Size and cost of a backbone. */
export interface ModelStats {
  /** Parameters, PyTorch's count: every weight except BatchNorm running statistics (frozen γ included). */
  parameters: number;
  /** Trainable parameters (frozen γ excluded). */
  trainableParameters: number;
  /**
   * Multiply-accumulates of the convolutions and dense layers for one image — what insightface's model
   * zoo calls "FLOPs" (e.g. 6.3 G for r50). Floating-point operations are about twice this.
   */
  multiplyAccumulates: number;
}

const isRunningStatistic = (v: tfl.LayerVariable) => /\/moving_(mean|variance)(_\d+)?$/.test(v.originalName);

const size = (shape: readonly (number | null)[]) => shape.reduce<number>((a, d) => a * (d ?? 1), 1);

/**
 * Counts the parameters and multiply-accumulates of a built model, layer by layer (Conv2D,
 * GroupedConv2D and Dense contribute MACs; BatchNorm running statistics are not parameters).
 *
 * @param model any tfjs-layers model, e.g. from {@link iresnet} or {@link mobileFaceNet}.
 * @returns {@link ModelStats} for one input image.
 *
 * @example
 * modelStats(iresnet50()).parameters; // 43_590_848
 */
export function modelStats(model: tfl.LayersModel): ModelStats {
  let parameters = 0;
  let trainableParameters = 0;
  let multiplyAccumulates = 0;
  for (const layer of model.layers) {
    for (const weight of layer.weights) {
      if (isRunningStatistic(weight)) continue;
      parameters += size(weight.shape);
      if (weight.trainable) trainableParameters += size(weight.shape);
    }
    const className = layer.getClassName();
    if (className === 'Conv2D' || className === 'FrxGroupedConv2D' || className === 'Dense') {
      const kernelSize = size(layer.weights[0]!.shape);
      const output = layer.outputShape as (number | null)[];
      // Each output position uses every kernel entry once: k·k·in·out for a conv, and for a grouped
      // conv k·k·(in / G)·out, which is also its kernel size k·k·in·(out / G).
      const positions = className === 'Dense' ? 1 : size(output.slice(1, 3));
      multiplyAccumulates += positions * kernelSize;
    }
  }
  return { parameters, trainableParameters, multiplyAccumulates };
}
