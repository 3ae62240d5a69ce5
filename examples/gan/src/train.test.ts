import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { testBackend } from '@frx/tensor-utils/testing';

import { parseTrainArgs } from './options';
import { train } from './train';

// ../shared/data relative to the repository root (examples/gan/src → ../../../../shared/data).
const CIFAR = fileURLToPath(new URL('../../../../shared/data/images/cifar10-jpeg/train', import.meta.url));
const hasData = existsSync(CIFAR);
const dirs: string[] = [];
const quiet = () => undefined;

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function runFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'example-gan-'));
  dirs.push(dir);
  return dir;
}

interface StepLine {
  type: string;
  step: number;
  lossD: number;
  lossG: number;
  scoreReal: number;
  scoreFake: number;
}

async function stepLines(dir: string): Promise<StepLine[]> {
  return (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as StepLine)
    .filter((l) => l.type === 'step');
}

describe.skipIf(!hasData)(
  'train on ../shared/data/images/cifar10-jpeg (skipped when that folder is absent)',
  () => {
    it('trains on CIFAR-10 JPEGs, writes samples, checkpoint, JSONL and summary', async () => {
      const out = await runFolder();
      const args = ['--data', CIFAR, '--limit', '8', '--width', '1', '--batch-size', '4'];
      const summary = await train(
        parseTrainArgs([
          ...args,
          ...['--sample-every', '2', '--no-eval', '--out', out, '--seed', '3', '--giu-kernel', '3'],
          ...['--steps', '2', '--backend', testBackend()],
        ]),
        quiet,
      );
      expect(summary.steps).toBe(2);
      expect(summary.backend).toBe(testBackend());
      expect(await readdir(join(out, 'samples'))).toEqual(['step-000002.png']);
      expect(existsSync(join(out, 'checkpoint.json'))).toBe(true);
      expect(existsSync(join(out, 'losses.png')) && existsSync(join(out, 'losses.svg'))).toBe(true);
      const written = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummaryLike;
      expect(written.model).toBe('giu');
      expect(written.fid).toBeNull();
    });

    // The settings of the issue that found the bug (seed 4, width 8, batch 8, latent 32, giu): a run cut at
    // step 4 and resumed to step 8 must log the very same losses and scores, bit for bit, as one 8-step run.
    // The independent reference is the uninterrupted run itself.
    it('--resume continues exactly like an uninterrupted run (losses equal bit for bit)', async () => {
      const common = [
        ...['--data', CIFAR, '--limit', '24', '--width', '8', '--batch-size', '8', '--latent-dim', '32'],
        ...['--model', 'giu', '--seed', '4', '--no-eval', '--sample-every', '3', '--checkpoint-every', '4'],
        ...['--backend', testBackend()],
      ];
      const whole = await runFolder();
      await train(parseTrainArgs([...common, '--out', whole, '--steps', '8']), quiet);
      const cut = await runFolder();
      await train(parseTrainArgs([...common, '--out', cut, '--steps', '4']), quiet);
      await train(parseTrainArgs([...common, '--out', cut, '--steps', '8', '--resume']), quiet);
      const expected = await stepLines(whole);
      const resumed = await stepLines(cut);
      expect(resumed.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const losses = (lines: StepLine[]) =>
        lines.map(({ step, lossD, lossG, scoreReal, scoreFake }) => ({
          step,
          lossD,
          lossG,
          scoreReal,
          scoreFake,
        }));
      // toEqual on numbers is Object.is: bit-for-bit equality of the logged float32 values.
      expect(losses(resumed)).toEqual(losses(expected));
      expect(new Set(expected.map((l) => l.lossG)).size).toBeGreaterThan(1);
      // Same final state: the last checkpoints agree too.
      const final = async (dir: string) =>
        JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as object;
      expect(await final(cut)).toEqual(await final(whole));
    });
  },
);

interface RunSummaryLike {
  model: string;
  fid: null;
}
