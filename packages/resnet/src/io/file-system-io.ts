import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const SCHEME = 'file://';

function directoryOf(path: string): { dir: string; modelJson: string } {
  const plain = path.startsWith(SCHEME) ? path.slice(SCHEME.length) : path;
  const abs = resolve(plain);
  return abs.endsWith('.json')
    ? { dir: dirname(abs), modelJson: abs }
    : { dir: abs, modelJson: join(abs, MODEL_JSON) };
}

/**
 * A tfjs IO handler that saves and loads models on the local file system in the layout of
 * `@tensorflow/tfjs-node`'s `file://` handler: `<dir>/model.json` (topology + weights manifest) and
 * `<dir>/weights.bin`. Node only (this is the `@frx/resnet/node` entry).
 *
 * @param path a directory (`model.json` inside it) or a path ending in `.json`; a `file://` prefix is accepted.
 * @returns an IO handler for `model.save(handler)` and `tf.loadLayersModel(handler)`.
 *
 * @example
 * await model.save(fileSystemIO('/tmp/r18'));
 * const again = await tf.loadLayersModel(fileSystemIO('/tmp/r18/model.json'));
 *
 * Follows the model.json format of TensorFlow.js (`tf.io.ModelJSON`).
 */
export function fileSystemIO(path: string): tf.io.IOHandler {
  const { dir, modelJson } = directoryOf(path);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('fileSystemIO: binary (GraphDef) topologies are not supported, only layers models');
      }
      await mkdir(dir, { recursive: true });
      const weightData =
        artifacts.weightData == null
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const manifest: tf.io.WeightsManifestConfig = [
        { paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] },
      ];
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        weightsManifest: manifest,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      await writeFile(modelJson, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const info = await stat(modelJson).catch(() => null);
      if (info == null || !info.isFile()) throw new Error(`fileSystemIO: no model file at ${modelJson}`);
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await readFile(modelJson, 'utf8')) as tf.io.ModelJSON;
      } catch (error) {
        throw new Error(`fileSystemIO: ${modelJson} is not valid JSON: ${(error as Error).message}`);
      }
      if (json.modelTopology == null) throw new Error(`fileSystemIO: ${modelJson} has no modelTopology`);
      const jsonDir = dirname(modelJson);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const file of group.paths) {
            const bytes = await readFile(join(jsonDir, file));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

let routersRegistered = false;

/**
 * Registers {@link fileSystemIO} for `file://` URLs, so `model.save('file:///tmp/m')` and
 * `tf.loadLayersModel('file:///tmp/m/model.json')` work on Node without `@tensorflow/tfjs-node`
 * (which normally provides that scheme). Idempotent.
 *
 * @example
 * registerFileSystemRouter();
 * await model.save('file:///tmp/r18');
 */
export function registerFileSystemRouter(): void {
  if (routersRegistered) return;
  // A router returns null for URLs it does not handle (tfjs' own typing omits the null). It also steps
  // aside when another router takes `file://` (tfjs-node's, registered before or after this one, writes
  // the same format): tfjs refuses a URL that two routers claim. `asking` keeps the look-up from
  // recursing into this router.
  let asking = false;
  const makeRoute = (others: (url: string) => unknown[]) =>
    ((url: string | string[]) => {
      const first = Array.isArray(url) ? url[0] : url;
      if (asking || typeof first !== 'string' || !first.startsWith(SCHEME)) return null;
      asking = true;
      try {
        if (others(first).length > 0) return null;
      } finally {
        asking = false;
      }
      return fileSystemIO(first);
    }) as Parameters<typeof tf.io.registerSaveRouter>[0];
  tf.io.registerSaveRouter(makeRoute((url) => tf.io.getSaveHandlers(url)));
  tf.io.registerLoadRouter(makeRoute((url) => tf.io.getLoadHandlers(url)));
  routersRegistered = true;
}
