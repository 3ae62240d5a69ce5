// Images/s of the face input pipeline on this machine: decode 112x112 JPEG, random flip, normalise to [-1, 1],
// stack into [128, 112, 112, 3] float32 batches; plus the single-thread decoder candidates the package chose
// between (jpeg-js vs MozJPEG/wasm for JPEG, fast-png vs pngjs for PNG). One JSON line per figure.
// Run: pnpm bench (2-core machine shared with other jobs: figures are noisy).
import '@tensorflow/tfjs-backend-cpu';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import { decode as decodeFastPng, encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

import { decodeJpeg } from '../src/images/decode-jpeg';
import { createInlineBatchDecoder, type BatchDecoder } from '../src/streaming/batch-decoder';
import { createImageBatchStream } from '../src/streaming/image-batch-stream';
import { arrayImageSource } from '../src/streaming/image-sample-source';
import { createNodeWasmJpegDecoder, createWorkerBatchDecoder } from '../src/streaming/worker-batch-decoder';

const SIZE = 112;
const BATCH = 128;
const MIN_SECONDS = 3;
const celeba = fileURLToPath(
  new URL('../../../../shared/data/images/celeba/img_align_celeba_7D24H/', import.meta.url),
);

// 112x112 face JPEGs at quality 95 (insightface's RecBuilder quality): centre crops of the CelebA samples when
// ../shared/data is present, otherwise smooth synthetic pictures.
function makeJpegs(): { jpegs: Uint8Array[]; source: string } {
  const out: Uint8Array[] = [];
  const rgbaCrop = (rgba: Uint8Array, w: number, h: number) => {
    const crop = new Uint8Array(SIZE * SIZE * 4);
    const ox = Math.floor((w - SIZE) / 2);
    const oy = Math.floor((h - SIZE) / 2);
    for (let y = 0; y < SIZE; y++)
      crop.set(rgba.subarray(((oy + y) * w + ox) * 4, ((oy + y) * w + ox + SIZE) * 4), y * SIZE * 4);
    return crop;
  };
  if (existsSync(celeba)) {
    for (const name of readdirSync(celeba).filter((n) => n.endsWith('.jpg'))) {
      const img = jpeg.decode(readFileSync(celeba + name), { useTArray: true });
      out.push(
        new Uint8Array(
          jpeg.encode({ data: rgbaCrop(img.data, img.width, img.height), width: SIZE, height: SIZE }, 95)
            .data,
        ),
      );
    }
    return { jpegs: out, source: 'celeba-112-crops' };
  }
  for (let k = 0; k < 16; k++) {
    const data = new Uint8Array(SIZE * SIZE * 4);
    for (let i = 0; i < SIZE * SIZE; i++) {
      const x = i % SIZE;
      const y = Math.floor(i / SIZE);
      data.set([(x * 2 + k * 9) & 255, (y * 2) & 255, ((x + y) * k) & 255, 255], i * 4);
    }
    out.push(new Uint8Array(jpeg.encode({ data, width: SIZE, height: SIZE }, 95).data));
  }
  return { jpegs: out, source: 'synthetic' };
}

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify({ ...figure, machine: '2-core shared; noisy' }));
}

// Images per wall-clock second, and per CPU-second of this process (all threads): the second figure is less
// sensitive to other jobs on the machine and bounds what two free cores could do (2 × images_per_cpu_s).
let lastPerCpuSecond = 0;
async function rate(run: () => Promise<number> | number): Promise<number> {
  await run(); // warm-up (JIT, wasm compile, worker start)
  let images = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < MIN_SECONDS * 1000) images += await run();
  const used = process.cpuUsage(cpu);
  lastPerCpuSecond = images / ((used.user + used.system) / 1e6);
  return images / ((performance.now() - start) / 1000);
}

async function main() {
  await tf.setBackend('cpu');
  const { jpegs, source } = makeJpegs();

  // Single-thread decoder candidates.
  let i = 0;
  emit({
    figure: 'jpeg_decode_112',
    decoder: 'jpeg-js',
    images_per_s: Math.round(await rate(() => (decodeJpeg(jpegs[i++ % jpegs.length]!), 1))),
    source,
  });
  const wasm = await createNodeWasmJpegDecoder();
  emit({
    figure: 'jpeg_decode_112',
    decoder: 'mozjpeg-wasm',
    images_per_s: Math.round(await rate(async () => (await wasm.decode(jpegs[i++ % jpegs.length]!), 1))),
    source,
  });
  const rgba = jpeg.decode(jpegs[0]!, { useTArray: true }).data;
  const png = encodePng({ width: SIZE, height: SIZE, data: rgba, channels: 4 });
  emit({
    figure: 'png_decode_112',
    decoder: 'fast-png',
    images_per_s: Math.round(await rate(() => (decodeFastPng(png), 1))),
  });
  const pngBuffer = Buffer.from(png);
  emit({
    figure: 'png_decode_112',
    decoder: 'pngjs',
    images_per_s: Math.round(await rate(() => (PNG.sync.read(pngBuffer), 1))),
  });

  // The full pipeline: 4096 samples (the JPEGs repeated), batches of 128, random flips, insightface normalisation.
  const samples = arrayImageSource(
    Array.from({ length: 4096 }, (_, k) => ({ data: jpegs[k % jpegs.length]!, label: k % 10 })),
  );
  const pipeline = async (decoder: BatchDecoder, label: string, prefetch: number) => {
    const stream = createImageBatchStream(samples, {
      height: SIZE,
      width: SIZE,
      batchSize: BATCH,
      flip: 'random',
      decoder,
      prefetch,
    });
    let epoch = 0;
    const perSecond = await rate(async () => {
      let n = 0;
      for await (const { xs, ys } of stream.epoch(epoch++)) {
        n += xs.shape[0];
        tf.dispose([xs, ys]);
      }
      return n;
    });
    emit({
      figure: 'face_pipeline_images_per_s',
      decoder: label,
      batch: BATCH,
      size: SIZE,
      prefetch,
      images_per_s: Math.round(perSecond),
      images_per_cpu_s: Math.round(lastPerCpuSecond),
      target: 1500,
      source,
    });
  };
  await pipeline(createInlineBatchDecoder(), 'inline jpeg-js', 2);
  await pipeline(createInlineBatchDecoder({ jpeg: wasm }), 'inline mozjpeg-wasm', 2);
  for (const [workers, kind] of [
    [2, 'wasm'],
    [2, 'js'],
  ] as const) {
    const decoder = await createWorkerBatchDecoder({ workers, jpeg: kind });
    await pipeline(decoder, `${workers} workers ${kind === 'wasm' ? 'mozjpeg-wasm' : 'jpeg-js'}`, 2);
    await decoder.close();
  }
}

await main();
