import * as tf from '@tensorflow/tfjs-core';

import { asTensor } from './conv-geometry';

/**
 * `UnsortedSegmentSum` for the wasm backend (missing from tfjs-backend-wasm 4.22; it is the gradient of
 * `tf.gather`): `out[k, ...] = Σ_{i : ids[i] = k} x[i, ...]`, TensorFlow semantics — `segmentIds` may
 * have any shape that prefixes `x.shape`, and ids outside `[0, numSegments)` are dropped.
 *
 * One native ScatterNd (which adds duplicate indices), so the cost is O(size of x), not
 * O(numSegments × size of x) as the cpu backend's mask loop. Inputs: `x` `[...idsShape, ...rest]`,
 * `segmentIds` int32 `idsShape`; attrs `numSegments`. Output `[numSegments, ...rest]`, dtype of `x`.
 */
export const unsortedSegmentSumKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const xInfo = inputs.x!;
  const idsInfo = inputs.segmentIds!;
  const name = tf.UnsortedSegmentSum;
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 1) {
    throw new Error(
      `@frx/tensor-utils wasm ${name}: numSegments must be a positive integer, got ${String(numSegments)}`,
    );
  }
  const idsShape = idsInfo.shape;
  if (idsShape.length > xInfo.shape.length || idsShape.some((d, i) => d !== xInfo.shape[i])) {
    throw new Error(
      `@frx/tensor-utils wasm ${name}: segmentIds shape [${idsShape.join(', ')}] must prefix x shape ` +
        `[${xInfo.shape.join(', ')}]`,
    );
  }
  if (xInfo.dtype !== 'float32' && xInfo.dtype !== 'int32') {
    throw new Error(`@frx/tensor-utils wasm ${name}: unsupported x dtype '${xInfo.dtype}' (float32, int32)`);
  }
  const rest = xInfo.shape.slice(idsShape.length);
  const count = idsShape.reduce((p, d) => p * d, 1);
  return tf.tidy(() => {
    const ids = tf.reshape(tf.cast(asTensor(idsInfo), 'int32'), [count]);
    const x = tf.reshape(asTensor(xInfo), [count, ...rest]);
    // Out-of-range ids contribute nothing (TensorFlow drops them): zero their rows, point them at 0.
    const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
    const safeIds = tf.where(valid, ids, tf.zerosLike(ids));
    const mask = tf.reshape(tf.cast(valid, x.dtype), [count, ...rest.map(() => 1)]);
    const updates = tf.mul(x, mask);
    return tf.scatterND(tf.reshape(safeIds, [count, 1]), updates, [numSegments, ...rest]);
  });
};
