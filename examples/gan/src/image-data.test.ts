import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createRng, initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';

import { batchSampler, batchTensor, detectFormat, loadImageSet } from './image-data';

const DATA = fileURLToPath(new URL('../../../../shared/data/images/', import.meta.url));
const hasData = existsSync(DATA);

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('batchSampler and batchTensor', () => {
  it('visits every image once per epoch in a seeded order and scales pixels to [lo, hi]', () => {
    const next = batchSampler(6, 2, 1);
    const epoch = [...next(), ...next(), ...next()];
    expect([...epoch].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const second = [...next(), ...next(), ...next()];
    expect([...second].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(second).not.toEqual(epoch); // a new permutation each epoch
    const again = batchSampler(6, 2, 1);
    expect([...again(), ...again(), ...again()]).toEqual(epoch);
    // Started at batch 4 (as a resumed run does), it continues where the first sampler was after 4 batches.
    const resumed = batchSampler(6, 2, 1, 4);
    expect([...resumed(), ...resumed()]).toEqual(second.slice(2));
    // 7 images in batches of 3: the 7th is dropped, each epoch has two batches of distinct images.
    const odd = batchSampler(7, 3, 'x');
    const first = [...odd(), ...odd()];
    expect(new Set(first).size).toBe(6);
    expect(() => batchSampler(2, 3, 1)).toThrow(/--batch-size 3 is larger than the 2 images/);
    expect(() => batchSampler(6, 2, 1, -1)).toThrow(/start must be an integer >= 0, got -1/);
    const set = { count: 2, size: 1, pixels: Uint8Array.from([0, 255, 51, 102, 153, 204]), source: 't' };
    const t = batchTensor(set, [1, 0]);
    expect(t.shape).toEqual([2, 1, 1, 3]);
    Array.from(t.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([-0.2, 0.2, 0.6, -1, 1, -0.6][i]!, 6));
    tf.dispose(t);
  });
});

describe.skipIf(!hasData)(
  'loadImageSet on ../shared/data/images (skipped when that folder is absent)',
  () => {
    it('reads a class-per-folder CIFAR subset (seeded, across classes) and a flat CelebA folder with centre crop', async () => {
      const cifar = `${DATA}cifar10-jpeg/test`;
      expect(await detectFormat(cifar)).toBe('cifar-folder');
      const a = await loadImageSet(cifar, 'auto', 32, 20, 108, createRng(3));
      expect(a.count).toBe(20);
      expect(a.pixels.length).toBe(20 * 32 * 32 * 3);
      const celeba = `${DATA}celeba/img_align_celeba_7D24H`;
      expect(await detectFormat(celeba)).toBe('image-folder');
      const b = await loadImageSet(celeba, 'auto', 64, 3, 108, createRng(3));
      expect([b.count, b.size]).toEqual([3, 64]);
      expect(b.pixels.some((v) => v > 0)).toBe(true);
    });
  },
);
