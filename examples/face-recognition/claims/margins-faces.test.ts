import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { testBackend } from '@frx/tensor-utils/testing';
import { describe, expect, it } from 'vitest';

import { sharedFacesPresent, SHARED_FACE_TREES } from './claim-runs';
import { MARGIN_ARMS, runMarginsFacesClaim } from './margins-faces';

const hasFaces = sharedFacesPresent();
const SKIP = `shared face databases not found (${SHARED_FACE_TREES.join(', ')}): claim quick mode skipped`;

describe.skipIf(!hasFaces)(`runMarginsFacesClaim --quick (${hasFaces ? 'data found' : SKIP})`, () => {
  it('trains every head, then merges a second seed into results.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frx-claim-margins-'));
    const options = {
      quick: true,
      results: join(dir, 'results'),
      runs: join(dir, 'runs'),
      backend: testBackend(),
      log: () => {},
    };
    const first = await runMarginsFacesClaim(options);
    expect(first.arms.map((a) => a.arm)).toEqual(MARGIN_ARMS.map((a) => a.name));
    for (const run of first.runs) {
      expect(run.seed).toBe(0);
      expect(run.totalSteps).toBe(8); // 140 images, batch 16, 1 epoch
      expect(Number.isFinite(run.finalLoss)).toBe(true);
      expect(run.accuracy).toBeGreaterThan(0.5);
      expect(run.accuracy).toBeLessThanOrEqual(1);
    }
    const png = await readFile(join(options.results, 'loss.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

    // Seed 1 of two heads, merged: those two heads have n = 2 with the mean of both runs, the rest keep n = 1.
    const two = ['x2softmax', 'arcface-0.5'];
    const merged = await runMarginsFacesClaim({ ...options, seeds: [1], only: two, merge: true });
    expect(merged.runs).toHaveLength(MARGIN_ARMS.length + 2);
    const file = JSON.parse(await readFile(join(options.results, 'results.json'), 'utf8')) as {
      seeds: number[];
      heads: { name: string }[];
    };
    expect(file.seeds).toEqual([0, 1]);
    expect(file.heads.map((h) => h.name)).toEqual(MARGIN_ARMS.map((a) => a.name));
    for (const arm of merged.arms) {
      const runs = merged.runs.filter((r) => r.arm === arm.arm);
      expect(arm.accuracy.n).toBe(two.includes(arm.arm) ? 2 : 1);
      expect(arm.accuracy.mean).toBeCloseTo(runs.reduce((s, r) => s + r.accuracy, 0) / runs.length, 12);
    }

    // A different budget is refused before anything trains.
    await expect(runMarginsFacesClaim({ ...options, epochs: 2, seeds: [2], merge: true })).rejects.toThrow(
      /another budget or configuration/,
    );
  }, 180_000);
});
