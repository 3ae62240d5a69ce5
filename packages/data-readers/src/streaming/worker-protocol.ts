import type { DecodedImage } from '../images/decoded-image';
import type { ImagePreprocessSpec } from '../images/preprocess-image';

/** @internal A request from the pool to one decode worker. */
export interface DecodeRequest {
  id: number;
  spec: ImagePreprocessSpec;
  samples: { data: Uint8Array | DecodedImage; flip: boolean; file: string }[];
  /** Shared float32 batch buffer. */
  buffer: SharedArrayBuffer;
  /** Image slot of the first sample in `buffer`. */
  firstSlot: number;
}

/** @internal A worker's reply. */
export interface DecodeReply {
  id: number;
  error?: { name: string; message: string; detail?: string; file?: string; offset?: number; line?: number };
}

/** @internal Options the pool passes to every worker at start-up. */
export interface DecodeWorkerData {
  /** Bytes of mozjpeg_dec.wasm, or null to use jpeg-js. */
  jpegWasm: Uint8Array | null;
}
