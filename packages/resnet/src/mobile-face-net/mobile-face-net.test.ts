import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { mobileFaceNet } from './mobile-face-net';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('mobileFaceNet', () => {
  it('has the mbf layout: 56 → 28 → 14 → 7 at 112×112, a 64-group stem conv and a 7×7 GDC head', () => {
    const model = mobileFaceNet({ seed: 1 });
    const shape = (name: string) => model.getLayer(name).outputShape;
    expect(shape('layers.0.layers.2')).toEqual([null, 56, 56, 128]);
    expect(model.getLayer('layers.1.layers.0').getConfig()).toMatchObject({
      groups: 64,
      filters: 128,
      kernelSize: 3,
      padding: 1,
    });
    expect(shape('layers.2.layers.2.layers.1')).toEqual([null, 28, 28, 128]);
    expect(shape('layers.4.layers.2.layers.1')).toEqual([null, 14, 14, 256]);
    expect(shape('layers.7.layers.1.add')).toEqual([null, 7, 7, 256]);
    expect(shape('conv_sep.layers.2')).toEqual([null, 7, 7, 512]);
    expect(model.getLayer('features.layers.0.layers.0').getConfig()).toMatchObject({
      groups: 512,
      kernelSize: 7,
      padding: 0,
    });
    expect(model.getLayer('features.layers.2').getConfig()['useBias']).toBe(false);
    expect(model.outputs[0]!.shape).toEqual([null, 512]);
    model.dispose();
  });

  it('mbf_large replaces the grouped stem conv by two residual blocks and widens to 256/512', () => {
    const model = mobileFaceNet({ variant: 'mbf_large', inputSize: 32, widthMultiplier: 0.125 });
    const names = model.layers.map((l) => l.name);
    expect(names).toContain('layers.1.layers.1.add');
    expect(names).not.toContain('layers.1.layers.2.add');
    expect(model.getLayer('layers.0.layers.0').outputShape).toEqual([null, 16, 16, 32]);
    model.dispose();
  });

  it('rejects bad and unknown options', () => {
    expect(() => mobileFaceNet({ variant: 'mbf_tiny' as never })).toThrow(
      /variant must be 'mbf' or 'mbf_large'/,
    );
    expect(() => mobileFaceNet({ inputSize: 40 })).toThrow(
      /inputSize must be a positive multiple of 16, got 40/,
    );
    expect(() => mobileFaceNet({ scale: 2 } as never)).toThrow(/unknown option 'scale'/);
  });

  it('runs without leaking tensors', async () => {
    const model = mobileFaceNet({ inputSize: 32, widthMultiplier: 0.125, embeddingSize: 8 });
    const x = tf.randomNormal([2, 32, 32, 3]);
    const { result, newTensors } = await countNewTensors(() => model.predict(x) as tf.Tensor);
    expect(result.shape).toEqual([2, 8]);
    expect(newTensors).toBe(1);
    tf.dispose([x, result]);
    model.dispose();
  });
});
