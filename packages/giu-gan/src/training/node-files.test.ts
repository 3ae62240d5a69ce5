import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';

import { createJsonlWriter, loadGanCheckpoint, saveGanCheckpoint, writeSampleGrid } from '../node';
import type { GanCheckpoint } from './gan-trainer';

let dir = '';
beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  dir = await mkdtemp(join(tmpdir(), 'giu-gan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Node file helpers', () => {
  it('writes sample grids, JSONL logs and checkpoints, and rejects foreign files', async () => {
    const images = tf.zeros<tf.Rank.R4>([4, 8, 8, 3]);
    await writeSampleGrid(join(dir, 'samples', 'a.png'), images);
    images.dispose();
    const png = await readFile(join(dir, 'samples', 'a.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // 4 images of 8×8 in 2 columns with 2 px padding: 2·8 + 3·2 = 22 px square (IHDR width, height).
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([22, 22]);

    const log = createJsonlWriter(join(dir, 'logs', 'metrics.jsonl'));
    await log.write({ step: 1, lossD: 0.5 });
    await log.write({ step: 2, lossD: 0.25 });
    const lines = (await readFile(join(dir, 'logs', 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number });
    expect(lines.map((l) => l.step)).toEqual([1, 2]);

    const checkpoint = { format: 'frx-gan-checkpoint', version: 1, step: 3 } as unknown as GanCheckpoint;
    await saveGanCheckpoint(join(dir, 'ckpt', 'c.json'), checkpoint);
    expect(await loadGanCheckpoint(join(dir, 'ckpt', 'c.json'))).toEqual(checkpoint);
    await writeFile(join(dir, 'bad.json'), '{"format": "other"}');
    await expect(loadGanCheckpoint(join(dir, 'bad.json'))).rejects.toThrow(
      /bad.json is not an frx-gan-checkpoint/,
    );
    await writeFile(join(dir, 'broken.json'), '{');
    await expect(loadGanCheckpoint(join(dir, 'broken.json'))).rejects.toThrow(
      /broken.json is not valid JSON/,
    );
  });
});
