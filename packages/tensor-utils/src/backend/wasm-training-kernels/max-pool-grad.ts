import * as tf from '@tensorflow/tfjs-core';

import { asTensor, unsupported } from './conv-geometry';

/**
 * A correct `MaxPoolGrad` for the wasm backend. tfjs-backend-wasm 4.22's own (and its
 * MaxPoolWithArgmax) start each window's running maximum at 0 instead of −Infinity, so a window whose
 * values are all negative loses its gradient (found by this module's tests: 3×3 / stride-2 'same'
 * pooling — the ResNet stem — and 1-D `[1, 3]` pooling — InceptionTime — disagree with the cpu backend
 * and with hand-worked values on random inputs).
 *
 * Routes each dy value to its window's argmax with the native MaxPoolWithArgmax and ScatterNd kernels
 * (duplicates add up, as overlapping windows sharing a maximum must), after shifting the input to
 * values >= 1. Inputs containing ±Infinity or NaN are not supported (the shift turns them into NaN). Inputs: `dy` `[batch, outHeight,
 * outWidth, channels]`, `input` `[batch, height, width, channels]`; attrs as tfjs's `MaxPoolGradAttrs`
 * (`dimRoundingMode` unsupported: the argmax kernel has no such attribute).
 *
 * Registered only when `registerWasmTrainingKernels({ replaceFaultyKernels: true })` asks for it.
 */
export const maxPoolGradKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  if (dimRoundingMode != null) {
    unsupported(tf.MaxPoolGrad, 'dimRoundingMode', dimRoundingMode, 'none (undefined)');
  }
  if (pad !== 'same' && pad !== 'valid' && typeof pad !== 'number') {
    unsupported(tf.MaxPoolGrad, 'pad', pad, "'same', 'valid' or a number");
  }
  const inputInfo = inputs.input!;
  const dyInfo = inputs.dy!;
  return tf.tidy(() => {
    const raw = tf.cast(asTensor<tf.Rank.R4>(inputInfo), 'float32');
    // The native argmax kernel starts each window's maximum at 0 rather than -Infinity; shifting the
    // input to >= 1 makes that start value never win, and leaves every window's argmax where it was.
    const x = tf.add<tf.Tensor4D>(tf.sub(raw, tf.min(raw)), 1);
    const dy = tf.cast(asTensor<tf.Rank.R4>(dyInfo), 'float32');
    const outputs = tf.engine().runKernel<tf.Tensor[]>(
      tf.MaxPoolWithArgmax,
      { x },
      {
        filterSize,
        strides,
        pad,
        includeBatchInIndex: true,
      },
    );
    const indexes = outputs[1]!;
    if (indexes.shape.join(',') !== dy.shape.join(',')) {
      throw new Error(
        `@frx/tensor-utils wasm ${tf.MaxPoolGrad}: dy has shape [${dy.shape.join(', ')}] but the forward ` +
          `pooling produces [${indexes.shape.join(', ')}]`,
      );
    }
    const flat = tf.scatterND(tf.reshape(tf.cast(indexes, 'int32'), [-1, 1]), tf.reshape(dy, [-1]), [x.size]);
    return tf.reshape(flat, x.shape);
  });
};
