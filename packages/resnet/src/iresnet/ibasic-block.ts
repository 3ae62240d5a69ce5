import * as tfl from '@tensorflow/tfjs-layers';

import type { Initializer } from '../layers/initializer-config';
import { TorchBatchNorm } from '../layers/torch-batch-norm';
import { torchConv2d } from '../layers/torch-conv2d';

/** PyTorch's PReLU initial slope (insightface keeps the default). */
export const PRELU_INITIAL_SLOPE = 0.25;

/** Options of {@link iBasicBlock}. */
export interface IBasicBlockOptions {
  /** Input channels. */
  inplanes: number;
  /** Output channels. */
  planes: number;
  /** Stride of the second convolution (and of the downsample branch). */
  stride: number;
  /** Module path, e.g. `layer2.0`; sub-layers are named `<name>.bn1`, `<name>.conv1`, … as in PyTorch. */
  name: string;
  /** Draws one initializer per convolution (insightface: normal(0, 0.1)). */
  convInitializer: () => Initializer;
}

/** A per-channel PReLU on NHWC maps, initialised to 0.25 as PyTorch's `nn.PReLU(C)`. */
export function channelPrelu(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return tfl.layers
    .prelu({
      alphaInitializer: tfl.initializers.constant({ value: PRELU_INITIAL_SLOPE }),
      sharedAxes: [1, 2],
      name,
    })
    .apply(x) as tfl.SymbolicTensor;
}

function batchNorm(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return new TorchBatchNorm({ name }).apply(x) as tfl.SymbolicTensor;
}

/**
 * insightface's IBasicBlock on an NHWC symbolic tensor `[batch, h, w, inplanes]` →
 * `[batch, h / stride, w / stride, planes]`: BN → conv 3×3 → BN → PReLU → conv 3×3 (stride here) → BN,
 * plus the shortcut (identity, or conv 1×1 with the stride + BN when the stride or width changes), with
 * no activation after the addition.
 *
 * Follows `IBasicBlock` of insightface `recognition/arcface_torch/backbones/iresnet.py` (ArcFace,
 * arXiv 1801.07698).
 */
export function iBasicBlock(x: tfl.SymbolicTensor, options: IBasicBlockOptions): tfl.SymbolicTensor {
  const { inplanes, planes, stride, name, convInitializer } = options;
  let y = batchNorm(x, `${name}.bn1`);
  y = torchConv2d(y, {
    filters: planes,
    kernelSize: 3,
    padding: 1,
    name: `${name}.conv1`,
    kernelInitializer: convInitializer(),
  });
  y = batchNorm(y, `${name}.bn2`);
  y = channelPrelu(y, `${name}.prelu`);
  y = torchConv2d(y, {
    filters: planes,
    kernelSize: 3,
    stride,
    padding: 1,
    name: `${name}.conv2`,
    kernelInitializer: convInitializer(),
  });
  y = batchNorm(y, `${name}.bn3`);
  let shortcut = x;
  if (stride !== 1 || inplanes !== planes) {
    shortcut = torchConv2d(x, {
      filters: planes,
      kernelSize: 1,
      stride,
      name: `${name}.downsample.0`,
      kernelInitializer: convInitializer(),
    });
    shortcut = batchNorm(shortcut, `${name}.downsample.1`);
  }
  return tfl.layers.add({ name: `${name}.add` }).apply([y, shortcut]) as tfl.SymbolicTensor;
}
