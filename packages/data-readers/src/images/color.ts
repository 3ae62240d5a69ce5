import type { DecodedImage } from './decoded-image';

// ITU-R BT.601 luma weights, as PIL's convert('L') and OpenCV's COLOR_RGB2GRAY use.
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

/**
 * Converts an image to RGB: grey is replicated into three channels, alpha is dropped, RGB is returned as is.
 *
 * @param image - HWC uint8 with 1, 3 or 4 channels.
 * @returns HWC uint8 with 3 channels (the same object when already RGB).
 *
 * @example
 * const rgb = toRgb(decodePnm(orlBytes)); // ORL grey → [112, 92, 3]
 */
export function toRgb(image: DecodedImage): DecodedImage {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  const src = image.data;
  const c = image.channels;
  for (let i = 0; i < n; i++) {
    const s = i * c;
    out[3 * i] = src[s]!;
    out[3 * i + 1] = src[c === 1 ? s : s + 1]!;
    out[3 * i + 2] = src[c === 1 ? s : s + 2]!;
  }
  return { width: image.width, height: image.height, channels: 3, data: out };
}

/**
 * Converts an image to one grey channel with BT.601 luma (0.299 R + 0.587 G + 0.114 B, rounded), as PIL
 * `convert('L')` does; alpha is dropped.
 *
 * @param image - HWC uint8 with 1, 3 or 4 channels.
 * @returns HWC uint8 with 1 channel (the same object when already grey).
 */
export function toGrey(image: DecodedImage): DecodedImage {
  if (image.channels === 1) return image;
  const n = image.width * image.height;
  const out = new Uint8Array(n);
  const src = image.data;
  const c = image.channels;
  for (let i = 0; i < n; i++) {
    const s = i * c;
    out[i] = Math.round(LUMA_R * src[s]! + LUMA_G * src[s + 1]! + LUMA_B * src[s + 2]!);
  }
  return { width: image.width, height: image.height, channels: 1, data: out };
}
