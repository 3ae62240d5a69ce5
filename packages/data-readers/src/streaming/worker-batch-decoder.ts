import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { DataFormatError } from '../errors/data-format-error';
import { createWasmJpegDecoder, type WasmJpegDecoder } from '../images/wasm-jpeg-decoder';
import type { ImagePreprocessSpec } from '../images/preprocess-image';

import { imageSize, type BatchDecoder, type BatchSample } from './batch-decoder';
import type { DecodeReply, DecodeRequest, DecodeWorkerData } from './worker-protocol';

/** Options of {@link createWorkerBatchDecoder}. */
export interface WorkerBatchDecoderOptions {
  /** Worker threads. Default `availableParallelism()` (2 on the project's machines). */
  workers?: number;
  /** JPEG decoder inside the workers: `'wasm'` (MozJPEG, fast) or `'js'` (jpeg-js). Default `'wasm'`. */
  jpeg?: 'wasm' | 'js';
}

// The URL of this module, in the ESM build, the CJS build (no import.meta) and the TypeScript sources (tests).
function moduleUrl(): string {
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
}

// The worker entry next to this module: the built `image-decode-worker.{js,cjs}`, or, when running from the
// TypeScript sources (tests), a bootstrap that loads the `.ts` entry through tsx (a dev dependency of the workspace).
function startWorker(workerData: DecodeWorkerData): Worker {
  const here = moduleUrl();
  if (here.endsWith('.ts')) {
    const entry = new URL('./image-decode-worker.ts', here).href;
    // Resolved with require conditions (index.cjs); the ESM build sits beside it.
    const tsx = pathToFileURL(
      createRequire(here)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`;
    return new Worker(bootstrap, { eval: true, workerData });
  }
  const entry = new URL(
    here.endsWith('.cjs') ? './image-decode-worker.cjs' : './image-decode-worker.js',
    here,
  );
  return new Worker(fileURLToPath(entry), { workerData });
}

/**
 * Reads the bytes of MozJPEG's `mozjpeg_dec.wasm` from the installed `@jsquash/jpeg` package. Node only.
 *
 * @returns the wasm file content.
 */
export async function readMozJpegWasm(): Promise<Uint8Array> {
  const require = createRequire(moduleUrl());
  return new Uint8Array(await readFile(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm')));
}

/**
 * A {@link BatchDecoder} that decodes in Node worker threads, so the training loop never waits on JPEG decoding.
 * Each batch is split into contiguous shares, one per worker; workers write normalised pixels straight into a
 * `SharedArrayBuffer`, which becomes the batch tensor without a copy on the main thread. Call `close()` when done
 * (idle workers are `unref`'d and do not keep the process alive). Node only.
 *
 * @param options - `workers` (default `availableParallelism()`), `jpeg` (default `'wasm'`).
 * @returns the decoder.
 *
 * @example
 * const decoder = await createWorkerBatchDecoder({ workers: 2 });
 * const stream = createImageBatchStream(source, { batchSize: 128, height: 112, width: 112, decoder });
 * // … train …
 * await stream.close();
 */
export async function createWorkerBatchDecoder(
  options: WorkerBatchDecoderOptions = {},
): Promise<BatchDecoder> {
  for (const key of Object.keys(options)) {
    if (!['workers', 'jpeg'].includes(key))
      throw new TypeError(`createWorkerBatchDecoder: unknown option "${key}"`);
  }
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new RangeError(`createWorkerBatchDecoder: workers must be an integer in 1…64, got ${count}`);
  }
  const data: DecodeWorkerData = {
    jpegWasm: (options.jpeg ?? 'wasm') === 'wasm' ? await readMozJpegWasm() : null,
  };
  const callbacks = new Map<number, (reply: DecodeReply) => void>();
  let failure: Error | null = null;
  const workers = Array.from({ length: count }, () => {
    const worker = startWorker(data);
    worker.on('message', (reply: DecodeReply) => {
      const done = callbacks.get(reply.id);
      callbacks.delete(reply.id);
      done?.(reply);
      if (callbacks.size === 0) for (const w of workers) w.unref();
    });
    worker.on('error', (error) => {
      failure = error;
      for (const [id, done] of callbacks)
        done({ id, error: { name: error.name, message: `decode worker failed: ${error.message}` } });
      callbacks.clear();
    });
    worker.unref();
    return worker;
  });
  let nextId = 0;
  let closed = false;

  const run = (worker: Worker, request: DecodeRequest) =>
    new Promise<void>((resolve, reject) => {
      callbacks.set(request.id, (reply) => {
        if (reply.error === undefined) return resolve();
        const e = reply.error;
        reject(
          e.name === 'DataFormatError'
            ? new DataFormatError(e.detail ?? e.message, {
                ...(e.file !== undefined ? { file: e.file } : {}),
                ...(e.offset !== undefined ? { offset: e.offset } : {}),
                ...(e.line !== undefined ? { line: e.line } : {}),
              })
            : Object.assign(new Error(e.message), { name: e.name }),
        );
      });
      worker.ref();
      worker.postMessage(request);
    });

  return {
    async decodeBatch(samples: readonly BatchSample[], spec: ImagePreprocessSpec): Promise<Float32Array> {
      if (closed) throw new Error('createWorkerBatchDecoder: decoder is closed');
      if (failure) throw failure;
      const buffer = new SharedArrayBuffer(samples.length * imageSize(spec) * 4);
      const share = Math.ceil(samples.length / workers.length);
      const jobs: Promise<void>[] = [];
      for (let w = 0; w < workers.length && w * share < samples.length; w++) {
        const chunk = samples.slice(w * share, (w + 1) * share);
        jobs.push(run(workers[w]!, { id: nextId++, spec, samples: chunk, buffer, firstSlot: w * share }));
      }
      await Promise.all(jobs);
      return new Float32Array(buffer);
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * The MozJPEG/wasm decoder of {@link createWasmJpegDecoder} for Node, loading `mozjpeg_dec.wasm` from the installed
 * `@jsquash/jpeg` package. Node only.
 *
 * @returns the (per-thread shared) decoder.
 *
 * @example
 * const jpeg = await createNodeWasmJpegDecoder();
 * const decoder = createInlineBatchDecoder({ jpeg });
 */
export async function createNodeWasmJpegDecoder(): Promise<WasmJpegDecoder> {
  return createWasmJpegDecoder(await readMozJpegWasm());
}
