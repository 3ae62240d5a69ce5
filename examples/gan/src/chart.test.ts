import { describe, expect, it } from 'vitest';

import { renderEvalChart } from './chart';
import { formatSummaryTable } from './table';

describe('renderEvalChart and formatSummaryTable', () => {
  it('draws one FID and one KID polyline through every evaluation point', () => {
    const svg = renderEvalChart(
      [
        { step: 50, fid: 300, kid: 0.3, kidStd: 0.01 },
        { step: 100, fid: 250, kid: 0.25, kidStd: 0.01 },
      ],
      'giu <test>',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('giu &lt;test>');
  });

  it('formats a Markdown comparison table', () => {
    const table = formatSummaryTable([
      {
        model: 'giu',
        generatorNorm: 'default',
        steps: 100,
        width: 8,
        batchSize: 16,
        loss: 'hinge',
        generatorParams: 1234,
        discriminatorParams: 567,
        msPerStep: 12345,
        backend: 'wasm',
        extractor: 'x',
        evalSamples: 128,
        fid: 123.456,
        kid: 0.12345,
        kidStd: 0.01,
        data: 'd',
      },
    ]);
    expect(table.split('\n')[2]).toBe(
      '| giu | 100 | 8 | 16 | 1,234 | 567 | 12.35 | 123.46 | 0.1235 ± 0.0100 | x, 128 |',
    );
  });
});
