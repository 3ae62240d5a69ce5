import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parsePlotArgs, runPlotCli } from './plot-cli';

describe('mhlr-plot CLI', () => {
  it('replays a JSONL log through FastFace and writes the SVG and the changes (§4.4 row 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mhlr-plot-'));
    const input = join(dir, 'losses.jsonl');
    writeFileSync(
      input,
      Array.from({ length: 1000 }, (_, t) => JSON.stringify({ step: t, loss: 4 })).join('\n'),
    );
    const lines = runPlotCli([input, '--lr', '0.02', '--changes', join(dir, 'changes.json')]);
    expect(lines[0]).toBe('FastFaceScheduler: 8 learning-rate changes, final lr 0.000078125');
    const changes = JSON.parse(readFileSync(join(dir, 'changes.json'), 'utf8')) as { step: number }[];
    expect(changes.map((c) => c.step)).toEqual([51, 102, 153, 204, 255, 306, 357, 408]);
    expect(readFileSync(join(dir, 'losses.svg'), 'utf8')).toContain('<svg');
  });

  it('passes --set options to MHLR v1 and rejects unknown flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mhlr-plot-'));
    const input = join(dir, 'l.jsonl');
    writeFileSync(input, Array(120).fill('3').join('\n'));
    const lines = runPlotCli([
      input,
      '--scheduler',
      'moving-haar',
      '--set',
      'window=10',
      '--set',
      'faithfulStart=true',
      '--out',
      join(dir, 'o.svg'),
    ]);
    expect(lines.slice(1, 5)).toEqual([
      '  step 40: ×0.5 → 0.01',
      '  step 61: ×0.5 → 0.005',
      '  step 82: ×0.5 → 0.0025',
      '  step 103: ×4 → 0.01',
    ]);
    expect(() => parsePlotArgs([input, '--colour', 'red'])).toThrow(/unknown option --colour/);
    expect(() => runPlotCli([input, '--set', 'windw=10', '--scheduler', 'moving-haar'])).toThrow(/'windw'/);
    expect(parsePlotArgs(['--help'])).toBeNull();
  });
});
