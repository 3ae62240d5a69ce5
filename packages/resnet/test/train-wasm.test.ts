import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { decodePnm, resizeBilinear } from '@frx/data-readers';
import { initBackend } from '@frx/tensor-utils';
import { beforeAll, describe, expect, it } from 'vitest';

import { iresnet, mobileFaceNet } from '../src/index';

// ../shared/data relative to the repository root (packages/resnet/test → ../../..).
const orlDir = fileURLToPath(new URL('../../../../shared/data/faces/orl/', import.meta.url));
const haveOrl = existsSync(orlDir);

const SIZE = 32;
const PEOPLE = 8;
const PER_PERSON = 2;

/** ORL faces, grey 92×112 → 32×32, replicated to 3 channels and scaled as insightface: (x/255 − 0.5)/0.5. */
function orlBatch(): { x: tf.Tensor4D; labels: tf.Tensor2D } {
  const pixels = new Float32Array(PEOPLE * PER_PERSON * SIZE * SIZE * 3);
  const classes: number[] = [];
  let offset = 0;
  for (let p = 1; p <= PEOPLE; p++) {
    for (let i = 1; i <= PER_PERSON; i++) {
      const image = resizeBilinear(decodePnm(readFileSync(`${orlDir}s${p}/${i}.pgm`)), SIZE, SIZE);
      for (const value of image.data) {
        const v = (value / 255 - 0.5) / 0.5;
        pixels[offset++] = v;
        pixels[offset++] = v;
        pixels[offset++] = v;
      }
      classes.push(p - 1);
    }
  }
  return {
    x: tf.tensor4d(pixels, [PEOPLE * PER_PERSON, SIZE, SIZE, 3]),
    labels: tf.tidy(() =>
      tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), PEOPLE), 'float32'),
    ) as tf.Tensor2D,
  };
}

/**
 * A few SGD steps of backbone + linear softmax classifier on one batch of real faces, in training
 * mode (batch statistics). Returns the losses and the tensor count after each step.
 */
function train(model: tfl.LayersModel, steps: number, lr: number) {
  const { x, labels } = orlBatch();
  const embeddingSize = model.outputs[0]!.shape[1]!;
  const classifier = tf.variable(
    tf.randomNormal([embeddingSize, PEOPLE], 0, 0.1, 'float32', 4),
    true,
    'classifier',
  );
  const optimizer = tf.train.momentum(lr, 0.9);
  const variables = [...model.trainableWeights.map((w) => w.read() as tf.Variable), classifier];
  const losses: number[] = [];
  const tensorCounts: number[] = [];
  for (let step = 0; step < steps; step++) {
    const cost = optimizer.minimize(
      (): tf.Scalar => {
        const embedding = model.apply(x, { training: true }) as tf.Tensor;
        return tf.mean(
          tf.losses.softmaxCrossEntropy(
            labels,
            tf.matMul(embedding, classifier),
            undefined,
            tf.Reduction.NONE,
          ),
        );
      },
      true,
      variables,
    )!;
    losses.push(cost.dataSync()[0]!);
    cost.dispose();
    tensorCounts.push(tf.memory().numTensors);
  }
  tf.dispose([x, labels, classifier]);
  optimizer.dispose();
  return { losses, tensorCounts };
}

describe.skipIf(!haveOrl)('training on the wasm backend with real faces (ORL)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('a small IResNet-18: the loss falls and the tensor count is steady per step', () => {
    const model = iresnet({
      depth: 18,
      inputSize: SIZE,
      widthMultiplier: 0.125,
      embeddingSize: 32,
      seed: 11,
    });
    const { losses, tensorCounts } = train(model, 6, 0.05);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(0.7 * losses[0]!);
    // Step 1 creates the optimizer's momentum accumulators; afterwards nothing may accumulate.
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    model.dispose();
  });

  it('a small MobileFaceNet (grouped + depthwise convs): the loss falls and the tensor count is steady', () => {
    const model = mobileFaceNet({ inputSize: SIZE, widthMultiplier: 0.125, embeddingSize: 32, seed: 12 });
    const { losses, tensorCounts } = train(model, 6, 0.05);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(0.7 * losses[0]!);
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    model.dispose();
  });
});

if (!haveOrl) {
  describe('training on the wasm backend with real faces (ORL)', () => {
    it.skip(`skipped: ORL faces not found at ${orlDir} (../shared/data is absent)`, () => {});
  });
}
