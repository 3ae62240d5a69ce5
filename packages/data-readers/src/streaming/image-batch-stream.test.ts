import '@tensorflow/tfjs-backend-cpu';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { DataFormatError } from '../errors/data-format-error';
import { listImageFolder } from '../image-folder/list-image-folder';
import { decodeImage } from '../images/decode-image';
import type { DecodedImage } from '../images/decoded-image';

import { createInlineBatchDecoder, type BatchDecoder } from './batch-decoder';
import { createImageBatchStream } from './image-batch-stream';
import { imageFolderSource } from './image-folder-source';
import { arrayImageSource, cifar10Source } from './image-sample-source';
import { toTfDataset } from './to-tf-dataset';
import { createNodeWasmJpegDecoder, createWorkerBatchDecoder } from './worker-batch-decoder';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const shared = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const hasShared = existsSync(shared + 'images/cifar10-jpeg');

// 10 tiny images whose every pixel equals 20·i, so each sample is recognisable in a batch.
const tiny = (i: number): DecodedImage => ({
  width: 2,
  height: 2,
  channels: 3,
  data: new Uint8Array(12).fill(20 * i),
});
const source = arrayImageSource(Array.from({ length: 10 }, (_, i) => ({ data: tiny(i), label: i % 3 })));
const spec = { height: 2, width: 2, normalization: 'unit' as const };

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

async function collect(stream: ReturnType<typeof createImageBatchStream>, epoch = 0) {
  const out: { indices: number[]; labels: number[]; first: number[] }[] = [];
  for await (const { xs, ys, indices } of stream.epoch(epoch)) {
    const values = await xs.data();
    out.push({
      indices: Array.from(indices),
      labels: Array.from(await ys.data()),
      first: Array.from({ length: indices.length }, (_, k) => Math.round(values[k * 12]! * 255)),
    });
    tf.dispose([xs, ys]);
  }
  return out;
}

describe('createImageBatchStream', () => {
  it('visits every sample once per epoch, seeded, with labels aligned to pixels', async () => {
    const stream = createImageBatchStream(source, { ...spec, batchSize: 4, seed: 5 });
    expect(stream.batchesPerEpoch).toBe(3);
    const epoch0 = await collect(stream);
    expect(epoch0.map((b) => b.indices.length)).toEqual([4, 4, 2]);
    const all = epoch0.flatMap((b) => b.indices);
    expect([...all].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const b of epoch0) {
      expect(b.first).toEqual(b.indices.map((i) => 20 * i));
      expect(b.labels).toEqual(b.indices.map((i) => i % 3));
    }
    expect(await collect(createImageBatchStream(source, { ...spec, batchSize: 4, seed: 5 }))).toEqual(epoch0);
    expect((await collect(stream, 1)).flatMap((b) => b.indices)).not.toEqual(all);
    const ordered = await collect(
      createImageBatchStream(source, { ...spec, batchSize: 4, shuffle: false, dropRemainder: true }),
    );
    expect(ordered.flatMap((b) => b.indices)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('flips about half of the samples, deterministically', async () => {
    const asym: DecodedImage = { width: 2, height: 1, channels: 1, data: Uint8Array.from([0, 255]) };
    const src = arrayImageSource(Array.from({ length: 200 }, () => ({ data: asym, label: 0 })));
    const stream = createImageBatchStream(src, {
      height: 1,
      width: 2,
      channels: 1,
      batchSize: 200,
      flip: 'random',
      seed: 1,
    });
    let flipped = 0;
    for await (const { xs, ys } of stream) {
      const v = await xs.data();
      for (let i = 0; i < 200; i++) if (v[2 * i]! > 0) flipped++;
      tf.dispose([xs, ys]);
    }
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
  });

  it('keeps the tensor count steady across batches and leaks nothing on early exit', async () => {
    const stream = createImageBatchStream(source, { ...spec, batchSize: 2, numClasses: 3 });
    const base = tf.memory().numTensors;
    const counts: number[] = [];
    for await (const { xs, ys } of stream) {
      expect(ys.shape).toEqual([2, 3]);
      counts.push(tf.memory().numTensors - base);
      tf.dispose([xs, ys]);
    }
    expect(new Set(counts)).toEqual(new Set([2]));
    expect(tf.memory().numTensors).toBe(base);
    for await (const { xs, ys } of stream.epoch(1)) {
      tf.dispose([xs, ys]);
      break;
    }
    expect(tf.memory().numTensors).toBe(base);
  });

  it('decodes at most `prefetch` batches ahead', async () => {
    let inFlight = 0;
    let peak = 0;
    const inline = createInlineBatchDecoder();
    const slow: BatchDecoder = {
      async decodeBatch(samples, s) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return inline.decodeBatch(samples, s);
      },
      close: () => Promise.resolve(),
    };
    const stream = createImageBatchStream(source, { ...spec, batchSize: 1, prefetch: 3, decoder: slow });
    for await (const { xs, ys } of stream) {
      await new Promise((r) => setTimeout(r, 10)); // a slow training step
      tf.dispose([xs, ys]);
    }
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThanOrEqual(2);
  });

  it('surfaces decode errors as DataFormatError naming the sample', async () => {
    const bad = arrayImageSource([{ data: new Uint8Array([1, 2, 3, 4]), label: 0, name: 'broken.jpg' }]);
    const stream = createImageBatchStream(bad, { ...spec, batchSize: 1 });
    await expect(collect(stream)).rejects.toThrow(/broken\.jpg/);
    expect(() => createImageBatchStream(source, { ...spec, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createImageBatchStream(source, { ...spec, batchSize: 1, shuffel: true } as never)).toThrow(
      /unknown option "shuffel"/,
    );
  });

  it('adapts to tf.data, one epoch per pass', async () => {
    const stream = createImageBatchStream(source, { ...spec, batchSize: 4 });
    const ds = toTfDataset(stream);
    const base = tf.memory().numTensors;
    const sizes: number[] = [];
    await ds.forEachAsync((batch) => {
      sizes.push(batch.xs.shape[0]);
      tf.dispose([batch.xs, batch.ys]);
    });
    expect(sizes).toEqual([4, 4, 2]);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('cifar10Source streams decoded records', async () => {
    const records = new Uint8Array(2 * 3072).fill(255);
    const stream = createImageBatchStream(
      cifar10Source({ count: 2, images: records, labels: Uint8Array.from([4, 2]) }),
      {
        height: 32,
        width: 32,
        batchSize: 2,
        shuffle: false,
      },
    );
    for await (const { xs, ys } of stream) {
      expect(xs.shape).toEqual([2, 32, 32, 3]);
      expect(Array.from(await ys.data())).toEqual([4, 2]);
      expect((await tf.max(xs).data())[0]).toBe(1);
      tf.dispose([xs, ys]);
    }
  });
});

describe('worker-thread decoding', () => {
  const files = [
    'image-rgb-q95.jpg',
    'image-rgb.png',
    'image-grey.pgm',
    'image-palette.gif',
    'image-rgb.bmp',
    'image-rgb-420.jpg',
  ];
  const encoded = arrayImageSource(
    files.map((name, i) => ({ data: new Uint8Array(readFileSync(fixtures + name)), label: i, name })),
  );
  const options = { height: 8, width: 6, batchSize: 4, flip: 'random' as const, seed: 3 };

  it('gives the same batches as inline decoding (wasm JPEG both sides) and reports worker errors', async () => {
    const workers = await createWorkerBatchDecoder({ workers: 2 });
    try {
      const inline = createInlineBatchDecoder({ jpeg: await createNodeWasmJpegDecoder() });
      const viaWorkers = createImageBatchStream(encoded, { ...options, decoder: workers });
      const viaInline = createImageBatchStream(encoded, { ...options, decoder: inline });
      const a: number[] = [];
      const b: number[] = [];
      for await (const { xs, ys } of viaWorkers) {
        a.push(...(await xs.data()));
        tf.dispose([xs, ys]);
      }
      for await (const { xs, ys } of viaInline) {
        b.push(...(await xs.data()));
        tf.dispose([xs, ys]);
      }
      expect(a.length).toBe(6 * 8 * 6 * 3);
      expect(a).toEqual(b);
      const broken = arrayImageSource([
        {
          data: new Uint8Array(readFileSync(fixtures + 'image-rgb.png')).subarray(0, 50),
          label: 0,
          name: 'cut.png',
        },
      ]);
      await expect(
        collect(createImageBatchStream(broken, { ...options, batchSize: 1, decoder: workers })),
      ).rejects.toBeInstanceOf(DataFormatError);
    } finally {
      await workers.close();
    }
  });

  it('jpeg-js inside workers matches inline jpeg-js', async () => {
    const workers = await createWorkerBatchDecoder({ workers: 1, jpeg: 'js' });
    try {
      const plain = { ...options, shuffle: false };
      const viaWorker = await createImageBatchStream(encoded, { ...plain, decoder: workers })
        .epoch(0)
        .next();
      const inline = await createImageBatchStream(encoded, plain).epoch(0).next();
      expect(viaWorker.value!.xs.shape).toEqual([4, 8, 6, 3]);
      expect(Array.from(await viaWorker.value!.xs.data())).toEqual(Array.from(await inline.value!.xs.data()));
      tf.dispose([viaWorker.value!.xs, viaWorker.value!.ys, inline.value!.xs, inline.value!.ys]);
    } finally {
      await workers.close();
    }
  });
});

describe.skipIf(!hasShared)(
  'CIFAR-10 JPEG tree through workers (skipped when ../shared/data is absent)',
  () => {
    it('streams 32x32 batches with labels from folder names', async () => {
      const tree = await listImageFolder(shared + 'images/cifar10-jpeg/test');
      const workers = await createWorkerBatchDecoder({ workers: 2 });
      try {
        const stream = createImageBatchStream(imageFolderSource(tree), {
          height: 32,
          width: 32,
          batchSize: 64,
          decoder: workers,
          seed: 1,
        });
        let n = 0;
        for await (const { xs, ys, indices } of stream) {
          expect(xs.shape).toEqual([64, 32, 32, 3]);
          expect(Array.from(await ys.data())).toEqual(Array.from(indices, (i) => tree.entries[i]!.label));
          const first = decodeImage(new Uint8Array(readFileSync(tree.entries[indices[0]!]!.path)));
          const mean = first.data.reduce((s, v) => s + v, 0) / first.data.length / 127.5 - 1;
          const firstMean = tf.tidy(() => tf.mean(tf.slice(xs, [0], [1])));
          const got = (await firstMean.data())[0]!;
          firstMean.dispose();
          expect(Math.abs(got - mean)).toBeLessThan(0.02); // wasm vs jpeg-js decode
          tf.dispose([xs, ys]);
          if (++n === 3) break;
        }
      } finally {
        await workers.close();
      }
    });
  },
);
