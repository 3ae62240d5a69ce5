// Worker-thread entry of createWorkerBatchDecoder: decodes and preprocesses its share of a batch straight into
// the shared float32 batch buffer. Built as a separate tsup entry (dist/image-decode-worker.{js,cjs}).
import { parentPort, workerData } from 'node:worker_threads';

import { DataFormatError } from '../errors/data-format-error';
import { createWasmJpegDecoder, type WasmJpegDecoder } from '../images/wasm-jpeg-decoder';

import { decodeSampleInto } from './batch-decoder';
import type { DecodeReply, DecodeRequest, DecodeWorkerData } from './worker-protocol';

const { jpegWasm } = workerData as DecodeWorkerData;
const jpegReady: Promise<WasmJpegDecoder | null> = jpegWasm
  ? createWasmJpegDecoder(jpegWasm)
  : Promise.resolve(null);

parentPort!.on('message', (request: DecodeRequest) => {
  void handle(request).then((reply) => parentPort!.postMessage(reply));
});

async function handle(request: DecodeRequest): Promise<DecodeReply> {
  try {
    const jpeg = await jpegReady;
    const out = new Float32Array(request.buffer);
    for (let i = 0; i < request.samples.length; i++) {
      await decodeSampleInto(request.samples[i]!, request.spec, out, request.firstSlot + i, jpeg);
    }
    return { id: request.id };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const reply: DecodeReply = { id: request.id, error: { name: e.name, message: e.message } };
    if (error instanceof DataFormatError) {
      Object.assign(reply.error!, {
        detail: error.detail,
        file: error.file,
        offset: error.offset,
        line: error.line,
      });
    }
    return reply;
  }
}
