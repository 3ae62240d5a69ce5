import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { testBackend } from '@frx/tensor-utils/testing';
import { describe, expect, it } from 'vitest';

import { sharedFacesPresent, SHARED_FACE_TREES } from './claim-runs';
import { MHLR_ARMS, runMhlrFacesClaim } from './mhlr-faces';

const hasFaces = sharedFacesPresent();
const SKIP = `shared face databases not found (${SHARED_FACE_TREES.join(', ')}): claim quick mode skipped`;

/** The eight bytes every PNG file starts with (PNG specification, section 5.2). */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe.skipIf(!hasFaces)(`runMhlrFacesClaim --quick (${hasFaces ? 'data found' : SKIP})`, () => {
  it('runs every arm, writes results.json and the PNG charts, then reuses the finished runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frx-claim-mhlr-'));
    const options = {
      quick: true,
      results: join(dir, 'results'),
      runs: join(dir, 'runs'),
      backend: testBackend(),
    };
    const started: string[] = [];
    const first = await runMhlrFacesClaim({ ...options, log: (l) => started.push(l) });
    expect(first.arms.map((a) => a.arm)).toEqual(MHLR_ARMS.map((a) => a.name));

    // Quick budget: 14 training identities × 10 ORL images = 140, batch 16 → 8 steps per epoch; E = 4.
    const byArm = new Map(first.runs.map((r) => [r.arm, r]));
    expect(byArm.get('a-poly-full')!.totalSteps).toBe(32);
    for (const arm of MHLR_ARMS.filter((a) => a.budget === 0.25)) {
      expect(byArm.get(arm.name)!.totalSteps).toBe(8);
    }
    // arcface_torch PolynomialLRWarmup (power 1, no warm-up) at its last step k = T − 1: lr0 · (1 − k / T) = lr0 / T.
    expect(byArm.get('a-poly-full')!.finalLr).toBeCloseTo(0.1 / 32, 12);
    expect(byArm.get('d-poly-quarter')!.finalLr).toBeCloseTo(0.1 / 8, 12);
    for (const run of first.runs) {
      expect(run.steps).toBe(run.totalSteps);
      expect(run.accuracy).toBeGreaterThan(0.5);
      expect(run.accuracy).toBeLessThanOrEqual(1);
      expect(run.tarAtFar.map((t) => t.far)).toEqual([0.1, 0.01]);
      expect(Number.isFinite(run.finalLoss)).toBe(true);
      expect(run.wallSeconds).toBeGreaterThan(0);
      // FastFace never rebounds and stops after 8 halvings; the polynomial arms are not counted.
      if (run.arm.includes('fastface')) expect(run.rebounds).toBe(0);
      expect(run.halvings).toBeLessThanOrEqual(8);
      if (run.arm.includes('poly')) expect(run.halvings + run.rebounds).toBe(0);
    }

    const results = JSON.parse(await readFile(join(options.results, 'results.json'), 'utf8')) as {
      seeds: number[];
      data: string[];
      runs: unknown[];
    };
    expect(results.seeds).toEqual([0]);
    expect(results.data).toEqual(['orl']);
    expect(results.runs).toHaveLength(MHLR_ARMS.length);
    const charts = [
      'loss.png',
      'lr.png',
      'signal-b-mhlr-quarter.png',
      'signal-c-fastface-quarter.png',
      'signal-c2-fastface-quarter-scaled.png',
    ];
    for (const chart of charts) {
      const png = await readFile(join(options.results, chart));
      expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    }

    // A second call finds every summary.json at its budget and trains nothing.
    const again: string[] = [];
    const second = await runMhlrFacesClaim({ ...options, log: (l) => again.push(l) });
    expect(again).toEqual([]);
    expect(second.runs).toEqual(first.runs);
    expect(started.filter((l) => l.startsWith('starting'))).toHaveLength(MHLR_ARMS.length);
  }, 180_000);
});
