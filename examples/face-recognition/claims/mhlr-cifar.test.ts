import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { testBackend } from '@frx/tensor-utils/testing';
import { describe, expect, it } from 'vitest';

import { runMhlrCifarClaim, sharedCifarPresent, SHARED_CIFAR10_JPEG } from './mhlr-cifar';
import { MHLR_ARMS } from './mhlr-faces';

const hasCifar = sharedCifarPresent();
const SKIP = `CIFAR-10 JPEG subset not found at ${SHARED_CIFAR10_JPEG}: claim quick mode skipped`;

describe.skipIf(!hasCifar)(`runMhlrCifarClaim --quick (${hasCifar ? 'data found' : SKIP})`, () => {
  it('runs every arm, scores it on test images, writes results.json and the PNG charts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frx-claim-cifar-'));
    const result = await runMhlrCifarClaim({
      quick: true,
      results: join(dir, 'results'),
      runs: join(dir, 'runs'),
      backend: testBackend(),
      log: () => {},
    });
    expect(result.arms.map((a) => a.arm)).toEqual(MHLR_ARMS.map((a) => a.name));
    expect(result.testImages).toBe(200); // 20 of each of the 10 classes

    // Quick budget: 5000 training images, batch 16 → 312 steps per epoch; E = 0.1 → round(31.2) = 31,
    // the quarter arms round(7.8) = 8.
    const byArm = new Map(result.runs.map((r) => [r.arm, r]));
    expect(byArm.get('a-poly-full')!.totalSteps).toBe(31);
    expect(byArm.get('d-poly-quarter')!.totalSteps).toBe(8);
    // arcface_torch PolynomialLRWarmup at its last step k = T − 1: lr0 · (1 − k / T) = lr0 / T.
    expect(byArm.get('a-poly-full')!.finalLr).toBeCloseTo(0.1 / 31, 12);
    for (const run of result.runs) {
      expect(run.steps).toBe(run.totalSteps);
      // Top-1 accuracy over 200 images is a multiple of 1/200.
      expect(Number.isInteger(Math.round(run.testAccuracy * 200 * 1e6) / 1e6)).toBe(true);
      expect(run.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(run.testAccuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(run.finalLoss)).toBe(true);
    }
    expect(result.meanSecondsPerStep.mean).toBeGreaterThan(0);

    const file = JSON.parse(await readFile(join(dir, 'results', 'results.json'), 'utf8')) as {
      experiment: string;
      runs: unknown[];
      arms: { testAccuracy: { n: number } }[];
    };
    expect(file.experiment).toBe('mhlr-cifar');
    expect(file.runs).toHaveLength(MHLR_ARMS.length);
    expect(file.arms.every((a) => a.testAccuracy.n === 1)).toBe(true);
    for (const chart of ['loss.png', 'lr.png', 'signal-b-mhlr-quarter.png']) {
      const png = await readFile(join(dir, 'results', chart));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
  }, 180_000);
});
