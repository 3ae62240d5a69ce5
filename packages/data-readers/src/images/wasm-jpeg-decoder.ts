import { DataFormatError } from '../errors/data-format-error';

import { checkDimensions, DEFAULT_MAX_PIXELS, type DecodedImage } from './decoded-image';
import { readJpegDimensions } from './jpeg-dimensions';

/** A JPEG decoder backed by WebAssembly (MozJPEG via `@jsquash/jpeg`). */
export interface WasmJpegDecoder {
  /**
   * Decodes one JPEG to HWC uint8 RGB. Frame dimensions are checked against `maxPixels` before decoding; any
   * libjpeg warning (e.g. "Premature end of JPEG file" for a truncated file, which libjpeg would fill with grey)
   * is an error.
   */
  decode(bytes: Uint8Array, options?: { file?: string; maxPixels?: number }): Promise<DecodedImage>;
  /** As {@link WasmJpegDecoder.decode} but returns the decoder's RGBA output as is (no RGB copy). */
  decodeRgba(
    bytes: Uint8Array,
    options?: { file?: string; maxPixels?: number },
  ): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
}

let shared: Promise<WasmJpegDecoder> | null = null;

/**
 * Creates (once per thread) a JPEG decoder running MozJPEG compiled to WebAssembly (`@jsquash/jpeg`, from Squoosh),
 * about 6–7× faster than the pure-JavaScript `jpeg-js` on 112×112 faces (see the package benchmark). In browsers
 * call it without arguments (the wasm file is fetched next to the module, which bundlers handle); in Node pass the
 * compiled module or the wasm bytes, or use `createNodeWasmJpegDecoder` from `@frx/data-readers/node`.
 *
 * @param wasm - `WebAssembly.Module` or the bytes of `mozjpeg_dec.wasm`; optional in browsers.
 * @returns a decoder whose `decode` is safe to call concurrently (calls run one after another on this thread).
 *
 * @example
 * const jpeg = await createWasmJpegDecoder();
 * const face = await jpeg.decode(bytes, { file: 'face.jpg' });
 */
export function createWasmJpegDecoder(wasm?: WebAssembly.Module | Uint8Array): Promise<WasmJpegDecoder> {
  shared ??= initDecoder(wasm);
  return shared;
}

async function initDecoder(wasm?: WebAssembly.Module | Uint8Array): Promise<WasmJpegDecoder> {
  const codec = await import('@jsquash/jpeg/decode.js');
  const messages: string[] = [];
  const capture = (text: string) => messages.push(String(text));
  const module = wasm instanceof Uint8Array ? await WebAssembly.compile(wasm.slice()) : wasm;
  // libjpeg reports problems through printErr; capture them instead of writing to the console.
  const overrides = { print: capture, printErr: capture } as Record<string, unknown>;
  // The published typings omit the (module, overrides) overload that decode.js implements.
  const init = codec.init as (...args: unknown[]) => Promise<void>;
  if (module) await init(module, overrides);
  else await init(overrides);
  // Calls are chained so that the captured libjpeg messages belong to the image being decoded.
  let queue: Promise<unknown> = Promise.resolve();
  const decodeRgbaOne = async (
    bytes: Uint8Array,
    options: { file?: string; maxPixels?: number },
  ): Promise<{ width: number; height: number; data: Uint8ClampedArray }> => {
    const file = options.file ?? '<bytes>';
    const { width, height } = readJpegDimensions(bytes, file);
    checkDimensions(width, height, options.maxPixels ?? DEFAULT_MAX_PIXELS, file, 0, 'JPEG');
    messages.length = 0;
    let rgba: { data: Uint8ClampedArray; width: number; height: number };
    try {
      // The codec wants a whole ArrayBuffer; copy only when `bytes` is a view into a larger one.
      const whole =
        bytes.byteOffset === 0 &&
        bytes.byteLength === bytes.buffer.byteLength &&
        bytes.buffer instanceof ArrayBuffer;
      rgba = await codec.default(whole ? bytes.buffer : bytes.slice().buffer);
    } catch (error) {
      throw new DataFormatError(
        `JPEG: ${messages.join('; ') || describe(error)}`,
        { file },
        { cause: error },
      );
    }
    if (messages.length > 0) throw new DataFormatError(`JPEG: ${messages.join('; ')}`, { file });
    return rgba;
  };
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    decodeRgba: (bytes, options = {}) => serial(() => decodeRgbaOne(bytes, options)),
    async decode(bytes, options = {}) {
      const rgba = await serial(() => decodeRgbaOne(bytes, options));
      const n = rgba.width * rgba.height;
      const rgb = new Uint8Array(n * 3);
      const src = rgba.data;
      for (let i = 0, j = 0; i < n; i++, j += 4) {
        rgb[3 * i] = src[j]!;
        rgb[3 * i + 1] = src[j + 1]!;
        rgb[3 * i + 2] = src[j + 2]!;
      }
      return { width: rgba.width, height: rgba.height, channels: 3, data: rgb };
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'decoding failed';
}
