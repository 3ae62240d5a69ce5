import { decodeImage } from '../images/decode-image';
import type { DecodedImage } from '../images/decoded-image';
import {
  normalizationCoefficients,
  writeNormalizedImage,
  type PixelNormalization,
} from '../images/normalize-image';
import { preprocessImage, type ImagePreprocessSpec } from '../images/preprocess-image';
import type { WasmJpegDecoder } from '../images/wasm-jpeg-decoder';

/** One sample handed to a {@link BatchDecoder}: encoded bytes or already decoded pixels. */
export interface BatchSample {
  /** An encoded image file, or decoded HWC pixels (e.g. CIFAR-10 binary records). */
  data: Uint8Array | DecodedImage;
  /** Mirror left–right. */
  flip: boolean;
  /** Label for errors (a path). */
  file: string;
}

/**
 * Turns a list of samples into one float32 NHWC batch buffer. Implementations: {@link createInlineBatchDecoder}
 * (this thread; works everywhere) and `createWorkerBatchDecoder` (Node worker threads, `@frx/data-readers/node`).
 */
export interface BatchDecoder {
  /** Decodes, preprocesses, flips and normalises `samples` into `samples.length · h · w · c` floats. */
  decodeBatch(samples: readonly BatchSample[], spec: ImagePreprocessSpec): Promise<Float32Array>;
  /** Releases threads or other resources. */
  close(): Promise<void>;
}

/** @internal Values per image for a spec. */
export function imageSize(spec: ImagePreprocessSpec): number {
  return spec.height * spec.width * (spec.channels ?? 3);
}

/** @internal Decodes and writes one sample into `out` at image slot `slot`. Shared by the inline and worker paths. */
export async function decodeSampleInto(
  sample: BatchSample,
  spec: ImagePreprocessSpec,
  out: Float32Array,
  slot: number,
  jpeg: WasmJpegDecoder | null,
): Promise<void> {
  let image: DecodedImage;
  if (sample.data instanceof Uint8Array) {
    const bytes = sample.data;
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    if (jpeg !== null && isJpeg) {
      const rgba = await jpeg.decodeRgba(bytes, { file: sample.file });
      if (rgba.width === spec.width && rgba.height === spec.height && (spec.channels ?? 3) === 3) {
        // Fast path (pre-aligned faces): normalise straight from the decoder's RGBA, no intermediate image.
        writeNormalizedRgba(
          rgba.data,
          rgba.width,
          rgba.height,
          spec.normalization ?? 'insightface',
          out,
          slot * imageSize(spec),
          sample.flip,
        );
        return;
      }
      image = await jpeg.decode(bytes, { file: sample.file });
    } else {
      image = decodeImage(bytes, { file: sample.file, channels: 'native' });
    }
  } else {
    image = sample.data;
  }
  const ready = preprocessImage(image, spec, sample.file);
  writeNormalizedImage(ready, spec.normalization ?? 'insightface', out, slot * imageSize(spec), sample.flip);
}

// RGBA → normalised RGB floats at `offset`, mirrored when `flip`.
function writeNormalizedRgba(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  mode: PixelNormalization,
  out: Float32Array,
  offset: number,
  flip: boolean,
): void {
  const [scale, shift] = normalizationCoefficients(mode);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const from = (row + x) * 4;
      const to = offset + (row + (flip ? width - 1 - x : x)) * 3;
      out[to] = rgba[from]! * scale + shift;
      out[to + 1] = rgba[from + 1]! * scale + shift;
      out[to + 2] = rgba[from + 2]! * scale + shift;
    }
  }
}

/**
 * A {@link BatchDecoder} that decodes on the calling thread (browsers, web workers, or Node when worker threads
 * are not wanted). With a {@link WasmJpegDecoder}, JPEGs use MozJPEG/wasm; everything else uses the pure
 * JavaScript decoders of {@link decodeImage}.
 *
 * @param options - `jpeg`: a wasm JPEG decoder (default none: `jpeg-js`).
 * @returns the decoder.
 *
 * @example
 * const decoder = createInlineBatchDecoder({ jpeg: await createWasmJpegDecoder() });
 */
export function createInlineBatchDecoder(options: { jpeg?: WasmJpegDecoder } = {}): BatchDecoder {
  const jpeg = options.jpeg ?? null;
  return {
    async decodeBatch(samples, spec) {
      const out = new Float32Array(samples.length * imageSize(spec));
      for (let i = 0; i < samples.length; i++) await decodeSampleInto(samples[i]!, spec, out, i, jpeg);
      return out;
    },
    close: () => Promise.resolve(),
  };
}
