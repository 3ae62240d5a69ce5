import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runPipeline, type PipelineResults } from './pipeline';

let out = '';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  out = await mkdtemp(join(tmpdir(), 'frx-time-series-'));
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('time-series pipeline', () => {
  it('runs every method end to end on a tiny configuration and writes sane outputs', async () => {
    const lines: string[] = [];
    const results = await runPipeline(
      {
        epochs: 2,
        studentEpochs: 2,
        batchSize: 16,
        teacherDepth: 1,
        studentDepth: 1,
        rocketKernels: 200,
        miniRocketFeatures: 168,
        seed: 3,
        outDir: out,
        progress: 'silent',
      },
      (line) => lines.push(line),
    );
    expect(results.results.map((r) => r.method)).toEqual([
      'InceptionTime (teacher)',
      'LSTime (student)',
      'KDTime (student)',
      'KDCT (student)',
      'KDCR (student)',
      'ROCKET',
      'MiniRocket',
    ]);
    for (const r of results.results) {
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(r.trainSeconds).toBeGreaterThan(0);
      expect(r.inferenceSecondsPer1000).toBeGreaterThan(0);
    }
    // CBF is easy for the random-kernel methods even with few kernels (chance is 1/3).
    expect(results.results.find((r) => r.method === 'MiniRocket')!.accuracy).toBeGreaterThan(0.8);
    const json = JSON.parse(
      await readFile(join(out, 'CBF-generated', 'results.json'), 'utf8'),
    ) as PipelineResults;
    expect(json.results).toHaveLength(7);
    expect(json.test).toBe(900);
    const svg = await readFile(join(out, 'CBF-generated', 'chart.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('KDCT (student)');
    // Every chart as SVG and PNG; the loss chart has one curve per network (teacher and four students).
    expect(json.files.charts.map((f) => f.slice(join(out, 'CBF-generated').length + 1))).toEqual([
      'chart.svg',
      'chart.png',
      'loss.svg',
      'loss.png',
      'lr.svg',
      'lr.png',
    ]);
    const loss = await readFile(join(out, 'CBF-generated', 'loss.svg'), 'utf8');
    expect(loss.match(/<polyline/g)).toHaveLength(5);
    expect(lines.some((l) => l.startsWith('| ROCKET |'))).toBe(true);
  });
});
