/**
 * End-to-end check that the wasm backend can train a conv net once initBackend() has registered the
 * missing kernels: a 3-layer CNN on real faces (AT&T/ORL, ../shared/data/faces/orl) must lower its
 * loss, and every step must leave the tensor count unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../src/backend/init-backend';
import { createRng } from '../src/random/rng';
import { randomNormalTensor } from '../src/random/random-tensors';
import { shuffle } from '../src/random/shuffle';

const ORL = fileURLToPath(new URL('../../../../shared/data/faces/orl', import.meta.url));
const haveOrl = existsSync(ORL);
if (!haveOrl)
  console.warn(`Skipping the ORL conv-net training test: ${ORL} is absent (see ../shared/data/README.md).`);

/** Minimal binary PGM (P5, 8-bit) parser for this test; @frx/data-readers has the full reader. */
function readPgm(path: string): { width: number; height: number; pixels: Uint8Array } {
  const bytes = readFileSync(path);
  const header = bytes
    .subarray(0, 64)
    .toString('latin1')
    .match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error(`${path}: not a binary PGM`);
  const [, w, h] = header.map(Number) as [number, number, number, number];
  return { width: w, height: h, pixels: bytes.subarray(header[0].length, header[0].length + w * h) };
}

describe.skipIf(!haveOrl)('a conv net trains on wasm (ORL faces)', () => {
  const identities = 10;
  const perIdentity = 10;

  beforeAll(async () => {
    expect(await initBackend({ backend: 'wasm' })).toBe('wasm');
  });

  it('lowers the loss with a steady tensor count per step', () => {
    // 100 images, downsampled 92x112 -> 46x56 by 2x2 average pooling, scaled to [-1, 1].
    const images: number[] = [];
    const labels: number[] = [];
    for (let id = 0; id < identities; id++) {
      for (let k = 1; k <= perIdentity; k++) {
        const { width, height, pixels } = readPgm(`${ORL}/s${id + 1}/${k}.pgm`);
        for (let y = 0; y < height; y += 2)
          for (let x = 0; x < width; x += 2) {
            const s =
              pixels[y * width + x]! +
              pixels[y * width + x + 1]! +
              pixels[(y + 1) * width + x]! +
              pixels[(y + 1) * width + x + 1]!;
            images.push(s / 510 - 1);
          }
        labels.push(id);
      }
    }
    const x = tf.tensor4d(images, [identities * perIdentity, 56, 46, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), identities);

    const rng = createRng(2024);
    const he = (shape: number[], fanIn: number) =>
      tf.variable(randomNormalTensor(shape, rng, { stddev: Math.sqrt(2 / fanIn) }));
    const w1 = he([3, 3, 1, 8], 9);
    const w2 = he([3, 3, 8, 16], 72);
    const w3 = he([3, 3, 16, 32], 144);
    const wOut = he([32, identities], 32);
    const bOut = tf.variable(tf.zeros([identities]));
    const params = [w1, w2, w3, wOut, bOut];
    const optimizer = tf.train.adam(1e-2);

    const loss = (xb: tf.Tensor4D, yb: tf.Tensor2D) =>
      tf.tidy(() => {
        let h: tf.Tensor4D = tf.relu(tf.conv2d(xb, w1 as tf.Tensor4D, 1, 'same'));
        h = tf.maxPool(h, 2, 2, 'same');
        h = tf.relu(tf.conv2d(h, w2 as tf.Tensor4D, 2, 'same'));
        h = tf.relu(tf.conv2d(h, w3 as tf.Tensor4D, 1, 'valid'));
        const pooled = tf.mean<tf.Tensor2D>(h, [1, 2]);
        const logits = tf.add<tf.Tensor2D>(tf.matMul(pooled, wOut), bOut);
        return tf.losses.softmaxCrossEntropy<tf.Tensor2D, tf.Scalar>(yb, logits);
      });

    const order = [...Array(identities * perIdentity).keys()];
    const losses: number[] = [];
    const counts: number[] = [];
    for (let epoch = 0; epoch < 20; epoch++) {
      shuffle(order, rng);
      for (let b = 0; b < order.length; b += 25) {
        const idx = tf.tensor1d(order.slice(b, b + 25), 'int32');
        const xb = tf.gather<tf.Tensor4D>(x, idx);
        const yb = tf.gather<tf.Tensor2D>(y as tf.Tensor2D, idx);
        const value = optimizer.minimize(() => loss(xb, yb), true, params)!;
        losses.push(value.dataSync()[0]!);
        tf.dispose([idx, xb, yb, value]);
        counts.push(tf.memory().numTensors);
      }
    }
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    const first = (losses[0]! + losses[1]! + losses[2]! + losses[3]!) / 4;
    const last = losses.slice(-4).reduce((a, b) => a + b, 0) / 4;
    // Chance level is ln(10) = 2.30; the net must learn well below it.
    expect(first).toBeGreaterThan(1.8);
    expect(last).toBeLessThan(0.6 * first);
    // After the first step has created Adam's slots, the tensor count never moves.
    expect(new Set(counts.slice(1)).size).toBe(1);
    optimizer.dispose();
    tf.dispose([x, y, ...params]);
  });
});
