import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@frx/tensor-utils';
import { expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import '../index';
import { iresnet } from '../iresnet/iresnet';
import { mobileFaceNet } from '../mobile-face-net/mobile-face-net';
import { fileSystemIO, registerFileSystemRouter } from './file-system-io';

const dir = mkdtempSync(join(tmpdir(), 'frx-resnet-'));

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerFileSystemRouter();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('save → loadLayersModel round trip', () => {
  it.each([
    [
      'iresnet',
      () =>
        iresnet({
          depth: 18,
          inputSize: 32,
          widthMultiplier: 0.125,
          embeddingSize: 8,
          dropout: 0.1,
          seed: 1,
        }),
    ],
    [
      'mobileFaceNet',
      () => mobileFaceNet({ inputSize: 32, widthMultiplier: 0.125, embeddingSize: 8, seed: 2 }),
    ],
  ] as const)('%s through file:// gives the same model and outputs', async (name, build) => {
    const model = build();
    // Non-trivial running statistics, so that they must be saved too.
    tf.tidy(
      () => model.apply(tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 5), { training: true }) as tf.Tensor,
    );
    const url = `file://${join(dir, name)}`;
    await model.save(url);
    expect(readdirSync(join(dir, name)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await tfl.loadLayersModel(`${url}/model.json`);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    // tfjs' own Dropout reloads noiseShape undefined as null: compare with the two unified.
    const configs = (m: tfl.LayersModel) =>
      JSON.stringify(
        m.layers.map((l) => l.getConfig()),
        (_k, v: unknown) => v ?? null,
      );
    expect(configs(loaded)).toEqual(configs(model));
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 6);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expectTensorsClose(b, a, { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('also saves and loads through an explicit handler, and names a missing file', async () => {
    const model = iresnet({ depth: 18, inputSize: 16, widthMultiplier: 0.0625, embeddingSize: 4 });
    await model.save(fileSystemIO(join(dir, 'explicit')));
    const loaded = await tfl.loadLayersModel(fileSystemIO(join(dir, 'explicit', 'model.json')));
    expect(loaded.countParams()).toBe(model.countParams());
    await expect(tfl.loadLayersModel(fileSystemIO(join(dir, 'nowhere')))).rejects.toThrow(
      /no model file at .*nowhere\/model\.json/,
    );
  });
});
