import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  alignFace,
  arcfaceTemplate,
  ARCFACE_TEMPLATE_112,
  estimateSimilarityTransform,
  warpAffine,
  type Point2,
} from './align-face';
import { cropOrPad } from './crop-or-pad';
import type { DecodedImage } from './decoded-image';
import { flipHorizontal } from './flip-horizontal';
import { imagesToTensor } from './images-to-tensor';
import { normalizeImage, writeNormalizedImage } from './normalize-image';
import { preprocessImage } from './preprocess-image';
import { resizeBilinear } from './resize-bilinear';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const expected = JSON.parse(readFileSync(fixtures + 'image-expected.json', 'utf8')) as {
  resize: { in: [number, number]; out: [number, number]; src: number[]; float: number[] }[];
  align: { landmarks: [number, number][]; matrix: number[]; photo: [number, number]; aligned: number[] };
};

const image = (height: number, width: number, channels: 1 | 3, values: ArrayLike<number>): DecodedImage => ({
  width,
  height,
  channels,
  data: Uint8Array.from(values),
});

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('resizeBilinear', () => {
  it.each(expected.resize.map((c, i) => [i, c] as const))(
    'matches PyTorch F.interpolate(align_corners=False), case %i',
    (_, c) => {
      const out = resizeBilinear(image(c.in[0], c.in[1], 3, c.src), c.out[0], c.out[1]);
      expect([out.height, out.width]).toEqual(c.out);
      // PyTorch's float result rounded half-up is exactly what the uint8 output must be, up to float32 noise.
      let worst = 0;
      out.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - c.float[i]!))));
      expect(worst).toBeLessThanOrEqual(0.5 + 1e-3);
    },
  );

  it('is the identity for the same size and averages a 2x2 block to one pixel', () => {
    const src = image(2, 2, 1, [0, 100, 200, 40]);
    expect(resizeBilinear(src, 2, 2)).toBe(src);
    // half-pixel centres: the single output pixel samples (0.5, 0.5), the mean of the four.
    expect(resizeBilinear(src, 1, 1).data[0]).toBe(85);
  });
});

describe('cropOrPad, flipHorizontal, normalise', () => {
  it('centre-pads ORL-shaped 112x92 to 112x112 with 10 columns each side', () => {
    const src = image(112, 92, 1, new Uint8Array(112 * 92).fill(7));
    const out = cropOrPad(src, 112, 112);
    expect(out.data[9]).toBe(0);
    expect(out.data[10]).toBe(7);
    expect(out.data[101]).toBe(7);
    expect(out.data[102]).toBe(0);
  });

  it('centre-crops like tf.image.resize_with_crop_or_pad (offset floor((in-out)/2))', () => {
    const src = image(1, 5, 1, [0, 1, 2, 3, 4]);
    expect(Array.from(cropOrPad(src, 1, 2).data)).toEqual([1, 2]);
    expect(Array.from(cropOrPad(src, 1, 8, 9).data)).toEqual([9, 0, 1, 2, 3, 4, 9, 9]);
  });

  it('mirrors rows and keeps channel order', () => {
    const src = image(1, 2, 3, [1, 2, 3, 4, 5, 6]);
    expect(Array.from(flipHorizontal(src).data)).toEqual([4, 5, 6, 1, 2, 3]);
    const out = new Float32Array(6);
    writeNormalizedImage(src, 'unit', out, 0, true);
    expect(Array.from(out)).toEqual([4, 5, 6, 1, 2, 3].map((v) => Math.fround(v / 255)));
  });

  it('maps 0 → −1, 127.5 → 0, 255 → 1 (insightface) and 255 → 1 (unit)', () => {
    const src = image(1, 3, 1, [0, 51, 255]);
    expect(Array.from(normalizeImage(src, 'insightface'))).toEqual([-1, Math.fround(51 / 127.5 - 1), 1]);
    expect(Array.from(normalizeImage(src, 'unit'))).toEqual([0, Math.fround(0.2), 1]);
    expect(() => normalizeImage(src, 'imagenet' as never)).toThrow(/unknown normalization/);
  });

  it('preprocessImage converts grey to RGB and resizes; resize none refuses other sizes', () => {
    const out = preprocessImage(image(4, 4, 1, new Uint8Array(16).fill(9)), { height: 2, width: 2 });
    expect([out.height, out.width, out.channels]).toEqual([2, 2, 3]);
    expect(() =>
      preprocessImage(image(4, 4, 1, new Uint8Array(16)), { height: 2, width: 2, resize: 'none' }),
    ).toThrow(/expected 2x2/);
  });
});

describe('face alignment', () => {
  it('estimates the same similarity transform as Umeyama (NumPy SVD form)', () => {
    const m = estimateSimilarityTransform(expected.align.landmarks, ARCFACE_TEMPLATE_112);
    m.forEach((v, i) => expect(v).toBeCloseTo(expected.align.matrix[i]!, 9));
  });

  it('recovers an exact rotation + scale + shift', () => {
    const [s, a, tx, ty] = [1.5, 0.4, 3, -7];
    const src: Point2[] = [
      [0, 0],
      [10, 0],
      [0, 5],
      [4, 9],
    ];
    const dst = src.map(
      ([x, y]) =>
        [s * (Math.cos(a) * x - Math.sin(a) * y) + tx, s * (Math.sin(a) * x + Math.cos(a) * y) + ty] as const,
    );
    const m = estimateSimilarityTransform(src, dst);
    [s * Math.cos(a), -s * Math.sin(a), tx, s * Math.sin(a), s * Math.cos(a), ty].forEach((v, i) =>
      expect(m[i]).toBeCloseTo(v, 10),
    );
    expect(() =>
      estimateSimilarityTransform(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow(/all equal/);
  });

  it('warps like a NumPy bilinear warp with a zero border, to 112x112', () => {
    const [h, w] = expected.align.photo;
    const data = new Uint8Array(h * w * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        data[o] = (x * 2) % 256;
        data[o + 1] = (y * 3) % 256;
        data[o + 2] = ((x + y) * 5) % 256;
      }
    const face = alignFace({ width: w, height: h, channels: 3, data }, expected.align.landmarks);
    expect([face.width, face.height]).toEqual([112, 112]);
    let worst = 0;
    face.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected.align.aligned[i]!))));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('uses insightface sizes: 112 multiples scale, others use the 128 rule', () => {
    expect(arcfaceTemplate(224)[0]).toEqual([38.2946 * 2, 51.6963 * 2]);
    expect(arcfaceTemplate(128)[0]![0]).toBeCloseTo(38.2946 + 8, 10);
    expect(() => warpAffine(image(1, 1, 1, [0]), [0, 0, 0, 0, 0, 0], 1, 1)).toThrow(/not invertible/);
  });
});

describe('imagesToTensor', () => {
  it('stacks NHWC float32 and leaks nothing', async () => {
    const a = image(1, 2, 3, [0, 0, 0, 255, 255, 255]);
    const { result, newTensors } = await countNewTensors(() => imagesToTensor([a, flipHorizontal(a)]));
    expect(newTensors).toBe(1);
    expect(result.shape).toEqual([2, 1, 2, 3]);
    expect(Array.from(await result.data())).toEqual([-1, -1, -1, 1, 1, 1, 1, 1, 1, -1, -1, -1]);
    result.dispose();
    expect(() => imagesToTensor([a, image(1, 1, 3, [0, 0, 0])])).toThrow(/image 1 is 1x1x3/);
  });
});
