import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { CURVES, runMarginCurvesClaim } from './margin-curves';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('runMarginCurvesClaim', () => {
  it('writes the curves and both charts; the target logits match the formulas worked by hand', async () => {
    const out = await mkdtemp(join(tmpdir(), 'frx-claim-curves-'));
    const result = await runMarginCurvesClaim({ out, points: 19 }); // every 10°
    expect(result.files).toEqual(['curves.json', 'target-logit.png', 'equivalent-margin.png']);
    for (const png of result.files.slice(1)) {
      expect((await readFile(join(out, png))).subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    const stored = JSON.parse(await readFile(join(out, 'curves.json'), 'utf8')) as typeof result;
    expect(stored.curves.map((c) => c.name)).toEqual(CURVES.map((c) => c.name));

    const rad = (d: number) => (d * Math.PI) / 180;
    // Each formula from its paper at s = 1 (margin-losses.md §2): X2-Softmax −0.9·θ² + 0.65, ArcFace
    // cos(θ + 0.5), CosFace cos θ − 0.4, combined cos(1·θ + 0.3) − 0.2, NormFace cos θ.
    const formulas: Record<string, (theta: number) => number> = {
      'X2-Softmax': (t) => -0.9 * t * t + 0.65,
      'ArcFace 0.5': (t) => Math.cos(t + 0.5),
      'CosFace 0.4': (t) => Math.cos(t) - 0.4,
      combined: (t) => Math.cos(t + 0.3) - 0.2,
      NormFace: (t) => Math.cos(t),
    };
    for (const [name, f] of Object.entries(formulas)) {
      const curve = stored.curves.find((c) => c.name === name)!;
      // ArcFace-style margins are written as straight-through (cos(θ + m) on every angle); 0°–120° avoids
      // the wrap-around region the implementations may treat differently.
      stored.degrees.forEach((d, i) => {
        if (d <= 120) expect(curve.target[i]).toBeCloseTo(f(rad(d)), 4);
      });
    }
  });
});
