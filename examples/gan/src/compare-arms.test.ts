import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { testBackend } from '@frx/tensor-utils/testing';

import { ARMS, compareArms, QUICK, type ComparisonResult } from './compare-arms';

const CIFAR = fileURLToPath(new URL('../../../../shared/data/images/cifar10-jpeg/train', import.meta.url));
let out = '';

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CIFAR))(
  'compareArms --quick on ../shared/data/images/cifar10-jpeg (skipped when that folder is absent)',
  () => {
    it('trains the four arms at one budget, writes comparison.json, and skips finished arms on a rerun', async () => {
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
      const result = await compareArms(options, quiet);
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
