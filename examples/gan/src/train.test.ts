import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { parseTrainArgs } from './options';
import { train } from './train';

// ../shared/data relative to the repository root (examples/gan/src → ../../../../shared/data).
const CIFAR = fileURLToPath(new URL('../../../../shared/data/images/cifar10-jpeg/train', import.meta.url));
const hasData = existsSync(CIFAR);
let out = '';

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe.skipIf(!hasData)(
  'train on ../shared/data/images/cifar10-jpeg (skipped when that folder is absent)',
  () => {
    it('trains on CIFAR-10 JPEGs, writes samples, checkpoint, JSONL and summary, and resumes', async () => {
      out = await mkdtemp(join(tmpdir(), 'example-gan-'));
      const args = [
        '--data',
        CIFAR,
        '--limit',
        '8',
        '--width',
        '1',
        '--batch-size',
        '4',
        '--sample-every',
        '2',
        '--checkpoint-every',
        '2',
        '--no-eval',
        '--out',
        out,
        '--seed',
        '3',
        '--giu-kernel',
        '3',
      ];
      const quiet = () => undefined;
      const first = await train(parseTrainArgs([...args, '--steps', '2']), quiet);
      expect(first.steps).toBe(2);
      expect(await readdir(join(out, 'samples'))).toEqual(['step-000002.png']);
      const resumed = await train(parseTrainArgs([...args, '--steps', '3', '--resume']), quiet);
      expect(resumed.steps).toBe(3);
      const lines = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; step: number });
      expect(lines.filter((l) => l.type === 'step').map((l) => l.step)).toEqual([1, 2, 3]);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
        model: string;
        fid: null;
      };
      expect(summary.model).toBe('giu');
      expect(summary.fid).toBeNull();
    });
  },
);
