// Summarises the KDCTime claim runs (scripts/run-claims.sh): one row per dataset with every method's accuracy
// next to the published InceptionTime / ROCKET / MiniRocket figures (../shared/data/published-results), the
// training-time overhead of distillation over the teacher alone, and a bar chart. Writes <dir>/summary.json,
// <dir>/summary.md, <dir>/accuracy.svg and <dir>/accuracy.png.
//
//   pnpm --filter @frx/example-time-series exec tsx scripts/summarize-claims.ts [results/ucr-claims]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeChart } from '@frx/tensor-utils/node';

import type { PipelineResults } from '../src/pipeline';

const here = fileURLToPath(new URL('..', import.meta.url));
const dir = process.argv[2] ?? join(here, 'results/ucr-claims');
const publishedFile = join(here, '../../../shared/data/published-results/summary_small_ucr.md');

interface Published {
  inceptionSingleMean: number;
  rocket: number;
  miniRocket: number;
}
const published = new Map<string, Published>();
if (existsSync(publishedFile)) {
  for (const line of readFileSync(publishedFile, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 7 || !/^[0-9.]+$/.test(cells[2] ?? '')) continue;
    published.set(cells[1]!, {
      inceptionSingleMean: Number(/^([0-9.]+)/.exec(cells[3]!)?.[1]),
      rocket: Number(cells[4]),
      miniRocket: Number(cells[5]),
    });
  }
}

const runs = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'results.json')))
  .map((e) => JSON.parse(readFileSync(join(dir, e.name, 'results.json'), 'utf8')) as PipelineResults);

const METHODS = [
  'InceptionTime (teacher)',
  'LSTime (student)',
  'KDTime (student)',
  'KDCT (student)',
  'KDCR (student)',
  'ROCKET',
  'MiniRocket',
];
const rows = runs.map((r) => {
  const by = new Map(r.results.map((m) => [m.method, m]));
  const acc = (m: string) => by.get(m)?.accuracy ?? null;
  const secs = (m: string) => by.get(m)?.trainSeconds ?? null;
  const teacherSeconds = secs('InceptionTime (teacher)')!;
  return {
    dataset: r.dataset,
    train: r.train,
    test: r.test,
    length: r.length,
    backend: r.backend,
    teacherEpochs: r.options.epochs,
    studentEpochs: r.options.studentEpochs,
    accuracy: Object.fromEntries(METHODS.map((m) => [m, acc(m)])),
    trainSeconds: Object.fromEntries(METHODS.map((m) => [m, secs(m)])),
    inferenceSecondsPer1000: Object.fromEntries(
      METHODS.map((m) => [m, by.get(m)?.inferenceSecondsPer1000 ?? null]),
    ),
    published: published.get(r.dataset) ?? null,
    // KD/KDC pipelines train the teacher and then the student: their cost over the teacher alone.
    overheadOverTeacher: Object.fromEntries(
      ['KDTime (student)', 'KDCT (student)', 'KDCR (student)'].map((m) => [
        m,
        (teacherSeconds + secs(m)!) / teacherSeconds,
      ]),
    ),
    // Per student epoch: distillation (KD, KDC) against label smoothing on the same network.
    studentEpochSecondsVsLSTime: Object.fromEntries(
      ['KDTime (student)', 'KDCT (student)', 'KDCR (student)'].map((m) => [
        m,
        secs(m)! / secs('LSTime (student)')!,
      ]),
    ),
  };
});
writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(rows, null, 2)}\n`);

const f = (v: number | null | undefined, d = 4) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d);
const lines = [
  '| dataset (train/test, length) | teacher | LSTime | KDTime | KDCT | KDCR | ROCKET | MiniRocket | published Inception single / ROCKET / MiniRocket |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ...rows.map(
    (r) =>
      `| ${r.dataset} (${r.train}/${r.test}, ${r.length}) | ${METHODS.map((m) => f(r.accuracy[m])).join(' | ')} | ${
        r.published
          ? `${f(r.published.inceptionSingleMean)} / ${f(r.published.rocket)} / ${f(r.published.miniRocket)}`
          : '—'
      } |`,
  ),
  '',
  '| dataset | teacher train s | LSTime s | KDTime s | KDCT s | KDCR s | (teacher + KDCT) / teacher | KDCT s / LSTime s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.dataset} | ${METHODS.slice(0, 5)
        .map((m) => f(r.trainSeconds[m], 1))
        .join(
          ' | ',
        )} | ${f(r.overheadOverTeacher['KDCT (student)'], 2)} | ${f(r.studentEpochSecondsVsLSTime['KDCT (student)'], 2)} |`,
  ),
];
writeFileSync(join(dir, 'summary.md'), `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);

// Bar chart: accuracy per method per dataset, published figures as black ticks.
const colours = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3', '#937860', '#da8bc3'];
const barW = 14;
const groupW = METHODS.length * barW + 30;
const [left, top, plotH] = [60, 40, 300];
const width = left + rows.length * groupW + 200;
const height = top + plotH + 60;
const lo = 0.9;
const y = (a: number) => top + plotH - ((Math.max(a, lo) - lo) / (1 - lo)) * plotH;
const parts: string[] = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
  `<rect width="100%" height="100%" fill="white"/>`,
  `<text x="${left}" y="16" font-size="13">Test accuracy, one seeded run (black ticks: published)</text>`,
  `<text x="${left}" y="32">teacher ${rows[0]?.teacherEpochs} epochs, students ${rows[0]?.studentEpochs} epochs</text>`,
];
for (let t = 0; t <= 5; t++) {
  const a = lo + (t * (1 - lo)) / 5;
  parts.push(`<line x1="${left}" x2="${width - 200}" y1="${y(a)}" y2="${y(a)}" stroke="#ddd"/>`);
  parts.push(`<text x="${left - 6}" y="${y(a) + 4}" text-anchor="end">${a.toFixed(2)}</text>`);
}
rows.forEach((r, g) => {
  const x0 = left + 15 + g * groupW;
  METHODS.forEach((m, i) => {
    const a = r.accuracy[m];
    if (a === null || a === undefined) return;
    parts.push(
      `<rect x="${x0 + i * barW}" y="${y(a)}" width="${barW - 2}" height="${top + plotH - y(a)}" fill="${colours[i]}"/>`,
    );
    const pub = r.published
      ? i === 0
        ? r.published.inceptionSingleMean
        : i === 5
          ? r.published.rocket
          : i === 6
            ? r.published.miniRocket
            : null
      : null;
    if (pub !== null)
      parts.push(
        `<line x1="${x0 + i * barW - 1}" x2="${x0 + i * barW + barW - 1}" y1="${y(pub)}" y2="${y(pub)}" stroke="black" stroke-width="2"/>`,
      );
  });
  parts.push(
    `<text x="${x0 + (METHODS.length * barW) / 2}" y="${top + plotH + 16}" text-anchor="middle">${r.dataset}</text>`,
  );
});
METHODS.forEach((m, i) => {
  parts.push(`<rect x="${width - 185}" y="${top + i * 18}" width="12" height="12" fill="${colours[i]}"/>`);
  parts.push(`<text x="${width - 168}" y="${top + i * 18 + 10}">${m}</text>`);
});
parts.push(
  `<text x="${left}" y="${height - 10}">y axis clipped at ${lo}; backend ${rows[0]?.backend}</text>`,
  '</svg>',
);
const chart = await writeChart(join(dir, 'accuracy.svg'), parts.join('\n'));
process.stderr.write(`wrote ${chart.svg} and ${chart.png}\n`);
