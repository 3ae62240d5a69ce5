import { inflateSync } from 'node:zlib';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';

import { encodePng } from './encode-png';
import { imageGrid } from './image-grid';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

/** Minimal PNG reader for the test, using Node's zlib as the independent inflater. */
function readPng(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array; chunks: string[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let o = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  const chunks: string[] = [];
  while (o < bytes.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    chunks.push(type);
    const body = bytes.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(o + 8);
      height = view.getUint32(o + 12);
      expect([body[8], body[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(body);
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0); // filter type None
    rgba.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, rgba, chunks };
}

describe('imageGrid + encodePng', () => {
  it('tiles images with padding, maps [−1, 1] to 0…255 and writes a valid PNG', async () => {
    // Two 1×2 RGB images: image 0 black and white, image 1 red and grey.
    const images = tf.tensor4d([-1, -1, -1, 1, 1, 1, 1, -1, -1, 0, 0, 0], [2, 1, 2, 3]);
    const grid = await imageGrid(images, { columns: 2, padding: 1, padValue: -1 });
    expect([grid.width, grid.height]).toEqual([2 * 2 + 3, 1 + 2]);
    const png = readPng(encodePng(grid));
    expect(png.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([png.width, png.height]).toEqual([7, 3]);
    const pixel = (x: number, y: number) =>
      Array.from(png.rgba.subarray((y * 7 + x) * 4, (y * 7 + x) * 4 + 4));
    expect(pixel(0, 0)).toEqual([0, 0, 0, 255]); // padding
    expect(pixel(1, 1)).toEqual([0, 0, 0, 255]);
    expect(pixel(2, 1)).toEqual([255, 255, 255, 255]);
    expect(pixel(4, 1)).toEqual([255, 0, 0, 255]);
    expect(pixel(5, 1)).toEqual([128, 128, 128, 255]);
    images.dispose();
  });

  it('splits rows larger than one stored deflate block (65,535 bytes) and validates input', async () => {
    const big = { width: 200, height: 100, data: new Uint8Array(200 * 100 * 4).map((_, i) => i % 251) };
    const png = readPng(encodePng(big));
    expect(Array.from(png.rgba)).toEqual(Array.from(big.data));
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).toThrow(
      /expected 16 bytes of RGBA, got 15/,
    );
    const images = tf.zeros<tf.Rank.R4>([1, 2, 2, 2]);
    await expect(imageGrid(images)).rejects.toThrow(/1 or 3 channels, got 2/);
    images.dispose();
  });
});
