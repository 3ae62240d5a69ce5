import * as tfl from '@tensorflow/tfjs-layers';

import type { Initializer } from './initializer-config';

/** Options of {@link torchConv2d}. */
export interface TorchConv2dOptions {
  /** Output channels. */
  filters: number;
  /** Square kernel size. */
  kernelSize: number;
  /** Stride. Default `1`. */
  stride?: number;
  /** Symmetric zero padding on every side, as PyTorch's `padding`. Default `0`. */
  padding?: number;
  /** Layer name (the PyTorch module path, e.g. `layer1.0.conv2`). */
  name: string;
  kernelInitializer: Initializer;
}

/**
 * Applies a bias-free `Conv2d(k, stride, padding)` with PyTorch's symmetric padding to an NHWC
 * symbolic tensor. Stride 1 with padding (k − 1)/2 is tfjs 'same'; any other padding becomes an explicit
 * `ZeroPadding2D` (named `<name>.pad`) followed by a 'valid' convolution, because tfjs 'same' at stride 2
 * pads 0 before / 1 after and samples a grid shifted by one pixel (iresnet.md §4).
 */
export function torchConv2d(x: tfl.SymbolicTensor, options: TorchConv2dOptions): tfl.SymbolicTensor {
  const { filters, kernelSize, stride = 1, padding = 0, name, kernelInitializer } = options;
  const same = stride === 1 && kernelSize % 2 === 1 && padding === (kernelSize - 1) / 2;
  let input = x;
  if (!same && padding > 0) {
    input = tfl.layers
      .zeroPadding2d({
        padding: [
          [padding, padding],
          [padding, padding],
        ],
        name: `${name}.pad`,
      })
      .apply(x) as tfl.SymbolicTensor;
  }
  return tfl.layers
    .conv2d({
      filters,
      kernelSize,
      strides: stride,
      padding: same ? 'same' : 'valid',
      useBias: false,
      kernelInitializer,
      name,
    })
    .apply(input) as tfl.SymbolicTensor;
}
