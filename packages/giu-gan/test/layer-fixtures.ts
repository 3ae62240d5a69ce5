import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { type CloseOptions, expectTensorsClose } from '@frx/tensor-utils/testing';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A tensor as stored in the fixture. */
export interface StoredTensor {
  shape: number[];
  values: number[];
}

/** One layer case of `fixtures/layer-fixtures.json` (written by scripts/make_layer_fixtures.py, PyTorch). */
export interface LayerCase {
  config: Record<string, number>;
  input: StoredTensor;
  weights: Record<string, number[]>;
  probe: number[];
  output: StoredTensor;
  gradInput: number[];
  gradWeights: Record<string, number[]>;
  runningMean?: number[];
  runningVariance?: number[];
  evalInput?: number[];
  evalOutput?: number[];
}

export interface LayerFixtures {
  involution: Record<'stride1' | 'stride2' | 'k5', LayerCase>;
  se: LayerCase;
  rbn: LayerCase;
}

export function loadLayerFixtures(): LayerFixtures {
  const path = fileURLToPath(new URL('./fixtures/layer-fixtures.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as LayerFixtures;
}

/** The layer weight whose name ends with `/<short>`. */
export function weightNamed(layer: tfl.layers.Layer, short: string): tfl.LayerVariable {
  const found = layer.weights.find((w) => new RegExp(`(^|/)${short}(_\\d+)?$`).test(w.name));
  if (!found) throw new Error(`no weight '${short}' in ${layer.weights.map((w) => w.name).join(', ')}`);
  return found;
}

/** Writes the fixture's weights into a built layer. */
export function loadWeights(layer: tfl.layers.Layer, weights: Record<string, number[]>): void {
  for (const [name, values] of Object.entries(weights)) {
    const w = weightNamed(layer, name);
    tf.tidy(() => {
      w.write(tf.tensor(values, w.shape as number[]));
    });
  }
}

/**
 * Output, input gradient and weight gradients of Σ(layer(x) ⊙ probe), the PyTorch script's objective.
 */
export function forwardAndGradients(
  layer: tfl.layers.Layer,
  c: LayerCase,
  kwargs: Record<string, unknown> = { training: true },
): { output: tf.Tensor; gradInput: tf.Tensor; gradWeights: Record<string, tf.Tensor> } {
  const x = tf.tensor(c.input.values, c.input.shape);
  const probe = tf.tensor(c.probe, c.output.shape);
  const output = layer.apply(x, kwargs) as tf.Tensor;
  const names = Object.keys(c.gradWeights);
  const { grads } = tf.variableGrads(
    () => tf.sum<tf.Scalar>(tf.mul(layer.apply(x, kwargs) as tf.Tensor, probe)),
    names.map((n) => weightNamed(layer, n).read() as tf.Variable),
  );
  const gradInput = tf.grad((input: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(input, kwargs) as tf.Tensor, probe)),
  )(x);
  const gradWeights: Record<string, tf.Tensor> = {};
  for (const n of names) gradWeights[n] = grads[(weightNamed(layer, n).read() as tf.Variable).name]!;
  tf.dispose([x, probe]);
  return { output, gradInput, gradWeights };
}

/** Compares a tensor of any shape with flat expected values. */
export function expectValuesClose(actual: tf.Tensor, expected: number[], options: CloseOptions = {}): void {
  const flat = tf.reshape(actual, [-1]);
  try {
    expectTensorsClose(flat, expected, options);
  } finally {
    flat.dispose();
  }
}
