import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { writeGanCharts } from './run-charts';

let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian). */
function pngSize(bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

describe('writeGanCharts', () => {
  it('writes fid-kid and losses as SVG and PNG, one point per step after a resume re-logged steps', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gan-charts-'));
    const lines = [1, 2, 3, 2, 3, 4].map((step, i) =>
      JSON.stringify({ type: 'step', step, lossD: 1 + i, lossG: -i, ms: 1 }),
    );
    await writeFile(
      join(dir, 'metrics.jsonl'),
      `${lines.join('\n')}\n${JSON.stringify({ type: 'eval', step: 4 })}\n`,
    );
    const files = await writeGanCharts(dir, [{ step: 4, fid: 2, kid: 0.001, kidStd: 0.0001 }], 'giu, test');
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'fid-kid.svg',
      'fid-kid.png',
      'losses.svg',
      'losses.png',
    ]);
    // renderEvalChart is 740×250 and lineChartSvg 720×360, drawn at 2 device pixels per unit.
    expect(pngSize(await readFile(join(dir, 'fid-kid.png')))).toEqual([1480, 500]);
    expect(pngSize(await readFile(join(dir, 'losses.png')))).toEqual([1440, 720]);
    const svg = await readFile(join(dir, 'losses.svg'), 'utf8');
    // Steps 1-4 once each: the D-loss polyline has 4 points (steps 2 and 3 from their later lines).
    const first = /<polyline[^>]*points="([^"]+)"/.exec(svg)![1]!.trim().split(' ');
    expect(first).toHaveLength(4);
  });

  it('writes no fid-kid chart for a run without evaluations', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'gan-charts-'));
    try {
      await writeFile(
        join(empty, 'metrics.jsonl'),
        `${JSON.stringify({ type: 'step', step: 1, lossD: 1, lossG: 1 })}\n`,
      );
      const files = await writeGanCharts(empty, [], 'x');
      expect(files.map((f) => f.slice(empty.length + 1))).toEqual(['losses.svg', 'losses.png']);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
