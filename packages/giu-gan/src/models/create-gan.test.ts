import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { GIUModule } from '../layers/giu-module';
import { RepresentativeBatchNorm } from '../layers/representative-batch-norm';
import { SelfAttention } from '../layers/self-attention';
import { registerGanLayers } from '../register';
import { createGan } from './create-gan';
import { createDiscriminator32 } from './discriminator-32';
import { createGenerator32 } from './generator-32';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerGanLayers();
});

const layerTypes = (m: tfl.LayersModel) => m.layers.map((l) => l.getClassName());

describe('GAN backbones', () => {
  for (const resolution of [32, 64] as const) {
    for (const variant of ['baseline', 'giu'] as const) {
      it(`${variant} ${resolution}×${resolution}: shapes, slots, normalisation, no leaks`, async () => {
        const { generator, discriminator } = createGan({
          resolution,
          variant,
          width: 2,
          latentDim: 8,
          seed: 3,
          giu: { groupChannels: 4 },
        });
        const z = tf.randomNormal([2, 8]);
        tf.dispose(generator.apply(z, { training: true }) as tf.Tensor);
        const { result: images, newTensors } = await countNewTensors(
          () => generator.apply(z, { training: true }) as tf.Tensor,
        );
        expect(newTensors).toBe(1);
        expect(images.shape).toEqual([2, resolution, resolution, 3]);
        const range = tf.tidy(() => [tf.min(images).dataSync()[0]!, tf.max(images).dataSync()[0]!]);
        expect(range[0]).toBeGreaterThanOrEqual(-1);
        expect(range[1]).toBeLessThanOrEqual(1);
        const scores = discriminator.apply(images, { training: true }) as tf.Tensor;
        expect(scores.shape).toEqual([2, 1]);
        const g = layerTypes(generator);
        const d = layerTypes(discriminator);
        const slot = variant === 'giu' ? GIUModule.className : SelfAttention.className;
        expect(g.filter((n) => n === slot)).toHaveLength(resolution === 32 ? 1 : 2);
        expect(d.filter((n) => n === slot)).toHaveLength(resolution === 32 ? 1 : 2);
        expect(g.includes(RepresentativeBatchNorm.className)).toBe(variant === 'giu');
        expect(g.includes('BatchNormalization')).toBe(variant === 'baseline');
        expect(d.every((n) => n !== 'BatchNormalization' && n !== RepresentativeBatchNorm.className)).toBe(
          true,
        );
        tf.dispose([z, images, scores]);
      });
    }
  }

  it('places the GIU slot at 16×16×2w in the 32×32 networks', () => {
    const g = createGenerator32({
      width: 4,
      attention: 'giu',
      normalization: 'rbn',
      giu: { groupChannels: 4 },
    });
    const d = createDiscriminator32({ width: 4, attention: 'giu', giu: { groupChannels: 4 } });
    for (const model of [g, d]) {
      const giu = model.layers.find((l) => l instanceof GIUModule)!;
      expect(giu.outputShape).toEqual([null, 16, 16, 8]);
    }
  });

  it('saves and loads through the serialization registry with identical outputs', async () => {
    const { generator } = createGan({
      resolution: 32,
      variant: 'giu',
      width: 2,
      latentDim: 8,
      seed: 9,
      giu: { groupChannels: 4, kernelSize: 5 },
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await generator.save(
      tf.io.withSaveHandler((a) => {
        artifacts = a;
        return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const z = tf.randomNormal([2, 8], 0, 1, 'float32', 1);
    const a = generator.predict(z) as tf.Tensor;
    const b = loaded.predict(z) as tf.Tensor;
    expectTensorsClose(b, a, { rtol: 1e-6, atol: 1e-6 });
    expect(layerTypes(loaded)).toEqual(layerTypes(generator));
    tf.dispose([z, a, b]);
  });

  it('rejects unknown options and bad values with clear errors', () => {
    expect(() => createGan({ resolution: 48 as never })).toThrow(/resolution must be 32 or 64, got 48/);
    expect(() => createGenerator32({ widht: 4 } as never)).toThrow(/unknown option 'widht'/);
    expect(() => createDiscriminator32({ attentionAt: [12] })).toThrow(
      /attentionAt must list sizes among 4, 8, 16, 32/,
    );
    expect(() => createGan({ resolution: 32, variant: 'sagan' as never })).toThrow(
      /variant must be one of baseline, giu/,
    );
  });
});
