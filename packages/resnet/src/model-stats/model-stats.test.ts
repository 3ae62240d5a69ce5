import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { iresnet } from '../iresnet/iresnet';
import { mobileFaceNet } from '../mobile-face-net/mobile-face-net';
import { iresnetStats, mobileFaceNetStats } from './backbone-stats';
import { modelStats } from './model-stats';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('backbone sizes', () => {
  // Parameter counts and multiply-accumulates at 112×112 from the project reference (iresnet.md §2, §5),
  // which match the insightface model-zoo "FLOPs" column (2.6 / 6.3 / 12.1 / 23.5 G, mbf 0.45 G).
  it.each([
    [18, 24_025_600, 2.61],
    [34, 34_139_328, 4.46],
    [50, 43_590_848, 6.31],
    [100, 65_156_160, 12.09],
    [200, 118_833_920, 23.42],
  ] as const)('iresnet%i: %i parameters, %f G MACs', (depth, parameters, gmacs) => {
    const stats = iresnetStats({ depth });
    expect(stats.parameters).toBe(parameters);
    expect(stats.trainableParameters).toBe(parameters - 512); // frozen features γ
    expect(stats.multiplyAccumulates / 1e9).toBeCloseTo(gmacs, 2);
  });

  it.each([
    ['mbf', 2_059_520, 0.44],
    ['mbf_large', 6_314_880, 1.82],
  ] as const)('%s: %i parameters, %f G MACs', (variant, parameters, gmacs) => {
    const stats = mobileFaceNetStats({ variant });
    expect(stats.parameters).toBe(parameters);
    expect(stats.multiplyAccumulates / 1e9).toBeCloseTo(gmacs, 2);
  });

  it('the configuration formula equals a count over the built model (small and full-size r18, full-size mbf)', () => {
    for (const options of [
      { depth: 34, inputSize: 48, widthMultiplier: 0.25, embeddingSize: 32 },
      { depth: 18 },
    ] as const) {
      const model = iresnet(options);
      expect(modelStats(model)).toEqual(iresnetStats(options));
      model.dispose();
    }
    for (const options of [{}, { variant: 'mbf_large', inputSize: 64, widthMultiplier: 0.5 }] as const) {
      const model = mobileFaceNet(options);
      expect(modelStats(model)).toEqual(mobileFaceNetStats(options));
      model.dispose();
    }
  });
});
