import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import type { FeatureExtractor } from './feature-extractor';
import { GenerativeMetricError } from './feature-matrix';
import { loadTfjsCore } from './tfjs-core';

/** The extractor's label, printed with every score it produces. */
export const NSFWJS_INCEPTION_NAME = 'nsfwjs-4.3.0-inception-v3/flatten_1';
/** Input size of Keras InceptionV3. */
export const INCEPTION_INPUT_SIZE = 299;

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}
interface NsfwjsModelModule {
  InceptionV3Model: {
    modelJson: () => Promise<{ default: ModelJson }>;
    weightBundles: (() => Promise<{ default: string }>)[];
  };
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Optional peers are imported by a variable specifier so bundlers and TypeScript do not require them.
async function importOptional<T>(specifier: string, why: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch (error) {
    throw new GenerativeMetricError(
      `${why} needs the optional package '${specifier}': ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/**
 * A 2048-d feature extractor that works offline: the Keras InceptionV3 shipped inside the `nsfwjs` npm
 * package (4.3.0: topology plus six base64 weight shards, ~22 M parameters), cut at its `flatten_1` layer
 * (mixed10 → 8×8 average pool → flatten, the "pool3" position). Images in [0, 1] are resized bilinearly to
 * 299×299; nsfwjs feeds the network x/255, i.e. [0, 1], and so does this.
 *
 * **Scores from it are comparable within this project only.** The backbone was fine-tuned for NSFW
 * classification and is not the TF Inception of 2015-12-05 that published FIDs use; its 5-class head gives
 * no meaningful Inception Score. To reproduce published numbers, wrap the standard Inception weights in
 * your own {@link FeatureExtractor}.
 *
 * Needs the optional peers `nsfwjs` and `@tensorflow/tfjs-layers`. About 0.3–1 s per image on wasm (1 core).
 *
 * @example
 * const extractor = await createNsfwjsInceptionExtractor();
 * const features = await extractFeatures(extractor, images01, { batchSize: 8 });
 */
export async function createNsfwjsInceptionExtractor(): Promise<FeatureExtractor> {
  const tf = await loadTfjsCore('createNsfwjsInceptionExtractor');
  const tflayers = await importOptional<typeof tfl>(
    '@tensorflow/tfjs-layers',
    'createNsfwjsInceptionExtractor',
  );
  const nsfw = await importOptional<NsfwjsModelModule>(
    'nsfwjs/models/inception_v3',
    'createNsfwjsInceptionExtractor',
  );
  const { InceptionV3Model } = nsfw;
  const json = (await InceptionV3Model.modelJson()).default;
  const shards = await Promise.all(
    InceptionV3Model.weightBundles.map(async (load) => decodeBase64((await load()).default)),
  );
  const total = shards.reduce((s, b) => s + b.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const shard of shards) {
    weightData.set(shard, offset);
    offset += shard.length;
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const full = await tflayers.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer }),
  );
  const pool = full.getLayer('flatten_1');
  const model = tflayers.model({ inputs: full.inputs, outputs: pool.output });
  const dim = (pool.outputShape as number[])[1]!;
  return {
    name: NSFWJS_INCEPTION_NAME,
    dim,
    extract(images) {
      return tf.tidy(() => {
        const resized = tf.image.resizeBilinear(images, [INCEPTION_INPUT_SIZE, INCEPTION_INPUT_SIZE], false);
        return model.predict(resized, { batchSize: images.shape[0] }) as tf.Tensor2D;
      });
    },
    dispose() {
      full.dispose();
    },
  };
}
