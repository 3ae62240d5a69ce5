// Summarises a four-arm comparison (`pnpm arms`): a Markdown table of the arms (summary.md), FID and KID curves
// of all arms in one chart (fid-kid.svg and fid-kid.png). The final 8x8
// sample grids are each arm's own <arm>/samples/step-NNNNNN.png.
//
//   pnpm --filter @frx/example-gan exec tsx scripts/summarize-arms.ts results/cifar-arms-w16-b32
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { writeChart } from '@frx/tensor-utils/node';

import type { ComparisonResult } from '../src/compare-arms';
import { formatSummaryTable } from '../src/table';

interface EvalPoint {
  step: number;
  fid: number;
  kid: number;
  kidStd: number;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: summarize-arms.ts <comparison folder>');
const result = JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')) as ComparisonResult;
const curves = result.arms.map((a) => ({
  arm: a.arm,
  evals: (JSON.parse(readFileSync(join(a.folder, 'evals.json'), 'utf8')) as EvalPoint[]).sort(
    (x, y) => x.step - y.step,
  ),
}));
const table = formatSummaryTable(result.arms);
const evalLines = curves.map(
  (c) =>
    `| ${c.arm} | ${c.evals.map((e) => `${e.step}: ${e.fid.toFixed(2)} / ${e.kid.toFixed(4)}`).join(' · ')} |`,
);
const md = [table, '', '| arm | FID / KID by step |', '|---|---|', ...evalLines].join('\n');
writeFileSync(join(dir, 'summary.md'), `${md}\n`);
process.stdout.write(`${md}\n`);

const colours = ['#4c72b0', '#dd8452', '#55a868', '#c44e52'];
const [panelW, panelH, left, top] = [320, 220, 60, 50];
const width = left + 2 * (panelW + left) + 150;
const height = top + panelH + 60;
const maxStep = Math.max(...curves.flatMap((c) => c.evals.map((e) => e.step)));
const parts = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
  '<rect width="100%" height="100%" fill="white"/>',
  `<text x="${left}" y="18" font-size="13">FID and KID over training: width ${result.options.width}, batch ${result.options.batchSize}, N = ${result.options.evalSamples} (nsfwjs features: not comparable with published FIDs)</text>`,
];
(['fid', 'kid'] as const).forEach((metric, p) => {
  const x0 = left + p * (panelW + left);
  const values = curves.flatMap((c) => c.evals.map((e) => e[metric]));
  const hi = Math.max(...values) * 1.1;
  const x = (step: number) => x0 + (step / maxStep) * panelW;
  const y = (v: number) => top + panelH - (v / hi) * panelH;
  parts.push(`<text x="${x0}" y="${top - 8}">${metric.toUpperCase()}</text>`);
  parts.push(`<rect x="${x0}" y="${top}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`);
  for (let t = 0; t <= 4; t++) {
    const v = (t * hi) / 4;
    parts.push(
      `<text x="${x0 - 4}" y="${y(v) + 4}" text-anchor="end">${metric === 'fid' ? v.toFixed(1) : v.toFixed(3)}</text>`,
    );
  }
  for (const s of [...new Set(curves.flatMap((c) => c.evals.map((e) => e.step)))])
    parts.push(`<text x="${x(s)}" y="${top + panelH + 14}" text-anchor="middle">${s}</text>`);
  curves.forEach((c, i) => {
    const pts = c.evals.map((e) => `${x(e.step).toFixed(1)},${y(e[metric]).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${colours[i]}" stroke-width="2"/>`);
    for (const e of c.evals)
      parts.push(`<circle cx="${x(e.step)}" cy="${y(e[metric])}" r="3" fill="${colours[i]}"/>`);
  });
  parts.push(
    `<text x="${x0 + panelW / 2}" y="${top + panelH + 30}" text-anchor="middle">generator step</text>`,
  );
});
curves.forEach((c, i) => {
  parts.push(`<rect x="${width - 140}" y="${top + i * 18}" width="12" height="12" fill="${colours[i]}"/>`);
  parts.push(`<text x="${width - 123}" y="${top + i * 18 + 10}">${c.arm}</text>`);
});
parts.push('</svg>');
const written = await writeChart(join(dir, 'fid-kid.svg'), parts.join('\n'));
process.stderr.write(`wrote ${written.svg} and ${written.png}\n`);
