import * as tf from '@tensorflow/tfjs-core';

import type { DecodedImage } from './decoded-image';
import { writeNormalizedImage, type PixelNormalization } from './normalize-image';

/**
 * Stacks same-sized images into one NHWC float32 tensor, normalised to [−1, 1] (`'insightface'`) or [0, 1]
 * (`'unit'`).
 *
 * @param images - at least one HWC uint8 image, all of the same height, width and channel count.
 * @param normalization - default `'insightface'`.
 * @returns a `[batch, height, width, channels]` float32 tensor (the caller disposes it).
 * @throws RangeError when the list is empty or sizes differ.
 *
 * @example
 * const x = imagesToTensor([toRgb(a), toRgb(b)]); // [2, 112, 112, 3]
 */
export function imagesToTensor(
  images: readonly DecodedImage[],
  normalization: PixelNormalization = 'insightface',
): tf.Tensor4D {
  const first = images[0];
  if (first === undefined) throw new RangeError('imagesToTensor: no images');
  const { width, height, channels } = first;
  const size = width * height * channels;
  const values = new Float32Array(images.length * size);
  images.forEach((image, i) => {
    if (image.width !== width || image.height !== height || image.channels !== channels) {
      throw new RangeError(
        `imagesToTensor: image ${i} is ${image.height}x${image.width}x${image.channels}, expected ${height}x${width}x${channels}`,
      );
    }
    writeNormalizedImage(image, normalization, values, i * size);
  });
  return tf.tensor4d(values, [images.length, height, width, channels], 'float32');
}
