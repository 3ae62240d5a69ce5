import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { writeNormalizedImage, type DecodedImage } from '@frx/data-readers';

/**
 * Embeds images with a backbone in inference mode (BatchNorm running statistics), in batches, normalised
 * the insightface way ((x/255 − 0.5)/0.5).
 *
 * @param model Backbone, input `[batch, size, size, 3]`, output `[batch, dim]`.
 * @param images RGB images at the model's input size.
 * @param options `batchSize` (default 64); `flip` embeds the horizontally flipped images (default false).
 * @returns raw (unnormalised) embeddings `[images.length, dim]`, row-major.
 */
export async function embedImages(
  model: tfl.LayersModel,
  images: readonly DecodedImage[],
  options: { batchSize?: number; flip?: boolean } = {},
): Promise<{ embeddings: Float32Array; dim: number }> {
  const batchSize = options.batchSize ?? 64;
  const flip = options.flip ?? false;
  const out: Float32Array[] = [];
  let dim = 0;
  for (let start = 0; start < images.length; start += batchSize) {
    const batch = images.slice(start, start + batchSize);
    const { height, width } = batch[0]!;
    const pixels = new Float32Array(batch.length * height * width * 3);
    batch.forEach((image, i) =>
      writeNormalizedImage(image, 'insightface', pixels, i * height * width * 3, flip),
    );
    const embedded = tf.tidy(() => {
      const x = tf.tensor4d(pixels, [batch.length, height, width, 3]);
      return model.apply(x, { training: false }) as tf.Tensor2D;
    });
    dim = embedded.shape[1];
    out.push((await embedded.data()) as Float32Array);
    embedded.dispose();
  }
  const all = new Float32Array(images.length * dim);
  let at = 0;
  for (const chunk of out) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return { embeddings: all, dim };
}
