import type { RunSummary } from './train';

/** A Markdown table comparing finished runs. */
export function formatSummaryTable(runs: RunSummary[]): string {
  const header =
    '| model | steps | width | batch | G params | D params | s/step | FID | KID (±std) | extractor, N |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|';
  const rows = runs.map((r) =>
    [
      r.generatorNorm && r.generatorNorm !== 'default' ? `${r.model} + ${r.generatorNorm}` : r.model,
      r.steps,
      r.width,
      r.batchSize,
      r.generatorParams.toLocaleString('en'),
      r.discriminatorParams.toLocaleString('en'),
      (r.msPerStep / 1000).toFixed(2),
      r.fid === null ? '—' : r.fid.toFixed(2),
      r.kid === null ? '—' : `${r.kid.toFixed(4)} ± ${(r.kidStd ?? 0).toFixed(4)}`,
      r.extractor === null ? '—' : `${r.extractor}, ${r.evalSamples}`,
    ].join(' | '),
  );
  return [header, rule, ...rows.map((r) => `| ${r} |`)].join('\n');
}
