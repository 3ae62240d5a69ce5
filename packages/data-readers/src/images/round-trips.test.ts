import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { createRng } from '@frx/tensor-utils';
import { describe, expect, it } from 'vitest';

import { parseCifar10Batch } from '../cifar10/parse-cifar10-batch';
import { createNodeWasmJpegDecoder } from '../streaming/worker-batch-decoder';
import { parseTs } from '../time-series/parse-ts';
import { parseUcrText } from '../time-series/parse-ucr-text';

import { cropOrPad } from './crop-or-pad';
import { decodeImage } from './decode-image';
import { flipHorizontal } from './flip-horizontal';

const rng = createRng('round-trips');
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));

describe('round trips', () => {
  it.each([1, 3, 4] as const)(
    'PNG with %i channels: encode (fast-png) → decodeImage is lossless',
    (channels) => {
      const data = randomBytes(13 * 7 * channels);
      const png = encodePng({ width: 13, height: 7, data, channels });
      const back = decodeImage(png, { channels: 'native' });
      expect([back.width, back.height, back.channels]).toEqual([13, 7, channels]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    },
  );

  it('JPEG quality 100 (jpeg-js encoder) decodes back within a few levels, both decoders', async () => {
    // A smooth image: JPEG at quality 100 keeps it within a few levels.
    const rgba = new Uint8Array(32 * 24 * 4);
    for (let i = 0; i < 32 * 24; i++) rgba.set([(i % 32) * 8, Math.floor(i / 32) * 10, 128, 255], i * 4);
    const bytes = new Uint8Array(jpeg.encode({ data: rgba, width: 32, height: 24 }, 100).data);
    const wasm = await createNodeWasmJpegDecoder();
    for (const decoded of [decodeImage(bytes), await wasm.decode(bytes)]) {
      let worst = 0;
      for (let i = 0; i < 32 * 24; i++) {
        for (let k = 0; k < 3; k++)
          worst = Math.max(worst, Math.abs(decoded.data[i * 3 + k]! - rgba[i * 4 + k]!));
      }
      expect(worst).toBeLessThanOrEqual(4);
    }
  });

  it('pad then crop, and flip twice, give the original back', () => {
    const image = { width: 5, height: 3, channels: 3 as const, data: randomBytes(45) };
    expect(cropOrPad(cropOrPad(image, 9, 8), 3, 5).data).toEqual(image.data);
    expect(flipHorizontal(flipHorizontal(image)).data).toEqual(image.data);
  });

  it('CIFAR-10: NHWC → R, G, B planes → parseCifar10Batch', () => {
    const nhwc = randomBytes(2 * 3072);
    const labels = [6, 1];
    const file = new Uint8Array(2 * 3073);
    for (let i = 0; i < 2; i++) {
      file[i * 3073] = labels[i]!;
      for (let p = 0; p < 1024; p++)
        for (let c = 0; c < 3; c++) file[i * 3073 + 1 + c * 1024 + p] = nhwc[i * 3072 + p * 3 + c]!;
    }
    const batch = parseCifar10Batch(file);
    expect(Array.from(batch.labels)).toEqual(labels);
    expect(batch.images).toEqual(nhwc);
  });

  it('time series: values → TSV / .ts text → parsers', () => {
    const series = Array.from({ length: 4 }, () =>
      Array.from({ length: 6 }, () => Math.round(rng.normal() * 1e6) / 1e6),
    );
    const labels = ['1', '2', '2', '1'];
    const tsv = series.map((s, i) => [labels[i], ...s].join('\t')).join('\n');
    const parsed = parseUcrText(tsv);
    expect(parsed.labels).toEqual(labels);
    expect(parsed.series.map((c) => Array.from(c[0]!))).toEqual(series);
    const ts = `@problemName RT\n@univariate false\n@dimensions 2\n@equalLength true\n@seriesLength 3\n@classLabel true 1 2\n@data\n${series
      .map((s, i) => `${s.slice(0, 3).join(',')}:${s.slice(3).join(',')}:${labels[i]}`)
      .join('\n')}\n`;
    const back = parseTs(ts);
    expect(back.series.map((c) => [...Array.from(c[0]!), ...Array.from(c[1]!)])).toEqual(series);
    expect(back.labels).toEqual(labels);
  });
});
