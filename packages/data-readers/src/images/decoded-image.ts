import { DataFormatError, DataLimitError } from '../errors/data-format-error';
import { IMAGE_MEMORY_BUDGET, memoryBudgetFor } from '../limits/memory-budget';

/**
 * A decoded image: 8-bit samples in HWC order (row-major, channels interleaved), like a NumPy
 * `uint8` array of shape `[height, width, channels]` and a tfjs `int32`/`float32` `[h, w, c]` tensor.
 */
export interface DecodedImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 3 | 4;
  /** `height · width · channels` samples. */
  data: Uint8Array;
}

/** Default cap on decoded pixels (width · height), as jpeg-js's default `maxResolutionInMP` of 100. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Limits every image decoder accepts. */
export interface ImageLimits {
  /** Refuse images with more pixels than this before allocating. Default {@link DEFAULT_MAX_PIXELS} (10⁸). */
  maxPixels?: number;
  /**
   * Refuse images whose decoding would need more bytes than this (pixel buffers, inflated PNG data, jpeg-js's
   * coefficient blocks), before allocating. Default `32 · bytes.byteLength + 256 MiB` ({@link IMAGE_MEMORY_BUDGET}).
   */
  maxMemoryBytes?: number;
}

/**
 * Refuses, before allocation, an image whose decoding needs more than the memory budget of its input.
 * @internal
 */
export function checkImageMemory(
  needed: number,
  inputBytes: number,
  maxMemoryBytes: number | undefined,
  file: string,
  offset: number,
  format: string,
): void {
  const limit = memoryBudgetFor(inputBytes, maxMemoryBytes, IMAGE_MEMORY_BUDGET);
  if (needed > limit) {
    throw new DataLimitError(`${format}: memory to decode the image`, needed, limit, 'maxMemoryBytes', {
      file,
      offset,
    });
  }
}

/**
 * Rejects header dimensions before any pixel buffer is allocated, so a corrupt or hostile header cannot
 * make a decoder allocate gigabytes.
 * @internal
 */
export function checkDimensions(
  width: number,
  height: number,
  maxPixels: number,
  file: string,
  offset: number,
  format: string,
): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new DataFormatError(`${format}: invalid dimensions ${width}x${height}`, { file, offset });
  }
  if (width * height > maxPixels) {
    throw new DataLimitError(
      `${format}: ${width}x${height} decoded pixels`,
      width * height,
      maxPixels,
      'maxPixels',
      {
        file,
        offset,
      },
    );
  }
}

/**
 * Makes an empty image of the given size (zero-filled).
 *
 * @param width - pixels.
 * @param height - pixels.
 * @param channels - 1, 3 or 4.
 */
export function createImage(width: number, height: number, channels: 1 | 3 | 4): DecodedImage {
  return { width, height, channels, data: new Uint8Array(width * height * channels) };
}
