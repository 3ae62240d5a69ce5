import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { testBackend } from '@frx/tensor-utils/testing';

import { ARMS, compareArms, QUICK, selectArms, type ComparisonResult } from './compare-arms';

const CIFAR = fileURLToPath(new URL('../../../../shared/data/images/cifar10-jpeg/train', import.meta.url));
let out = '';

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CIFAR))(
  'compareArms --quick on ../shared/data/images/cifar10-jpeg (skipped when that folder is absent)',
  () => {
    it('trains the four arms at one budget in two disjoint calls, writes comparison.json, and skips finished arms on a rerun', async () => {
      out = await mkdtemp(join(tmpdir(), 'example-gan-arms-'));
      const options = {
        data: CIFAR,
        out,
        seed: 1,
        backend: testBackend(),
        noEval: true,
        ...QUICK,
      };
      const quiet = () => undefined;
      // Two calls with disjoint arm sets, as two processes would run them: the comparison holds what is on disk.
      const half = await compareArms({ ...options, arms: ['giu-gan', 'baseline'] }, quiet);
      expect(half.arms.map((a) => a.arm)).toEqual(['baseline', 'giu-gan']);
      const result = await compareArms({ ...options, arms: ['rbn-without-giu', 'giu-without-rbn'] }, quiet);
      expect(result.arms.map((a) => a.arm)).toEqual(ARMS.map((a) => a.name));
      expect(result.arms.map((a) => [a.model, a.generatorNorm])).toEqual([
        ['baseline', 'default'],
        ['giu', 'default'],
        ['baseline', 'rbn'],
        ['giu', 'batch'],
      ]);
      expect(result.arms.every((a) => a.steps === QUICK.steps && a.width === QUICK.width)).toBe(true);
      // The ablations really change the generator: RBN has 2 more weights per channel than batch norm.
      const params = Object.fromEntries(result.arms.map((a) => [a.arm, a.generatorParams]));
      expect(params['rbn-without-giu']!).toBeGreaterThan(params.baseline!);
      expect(params['giu-without-rbn']!).toBeLessThan(params['giu-gan']!);
      const written = JSON.parse(await readFile(join(out, 'comparison.json'), 'utf8')) as ComparisonResult;
      expect(written.arms).toHaveLength(4);
      const lines: string[] = [];
      await compareArms(options, (l) => lines.push(l));
      expect(lines.filter((l) => l.includes('done already'))).toHaveLength(4);
    });
  },
);

describe('selectArms', () => {
  it('keeps ARMS order and rejects unknown or empty selections with the known names', () => {
    expect(selectArms().map((a) => a.name)).toEqual(ARMS.map((a) => a.name));
    expect(selectArms(['giu-without-rbn', 'baseline']).map((a) => a.name)).toEqual([
      'baseline',
      'giu-without-rbn',
    ]);
    expect(() => selectArms(['giu', 'baseline'])).toThrow(/unknown arm\(s\) \["giu"\].*giu-gan/);
    expect(() => selectArms([])).toThrow(/choose among/);
  });
});
