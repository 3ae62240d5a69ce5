// Experiment 3 of issue 16: X2-Softmax (Xu et al., arXiv 2312.05281) against the margins it is compared
// with — ArcFace, CosFace, the combined (m1, m2, m3) margin, NormFace — and MagFace, AdaCos,
// CurricularFace and sub-center ArcFace, on the same backbone, data split, schedule and budget as
// experiment 1's quarter-budget polynomial arm (../shared/data/faces, 40 identities held out).
//
//   pnpm --filter @frx/example-face-recognition claim:margins-faces [-- --quick] [--epochs 10] [--seeds 0]
//
// Writes claims/results/margins-faces/{results.json, loss.png}; run folders under runs/claims/margins-faces/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { smooth } from '../src/charts/line-chart-svg';
import type { FaceConfig, MarginName } from '../src/config/face-config';
import {
  aggregateArm,
  runOrResume,
  sharedFacesPresent,
  SHARED_FACE_TREES,
  thin,
  writeChartPng,
  type RunOutcome,
} from './claim-runs';
import { mhlrFacesConfig } from './mhlr-faces';

/** One head of the comparison, with the margin settings its paper recommends (s is shared). */
export interface MarginArm {
  name: string;
  margin: MarginName;
  settings: Partial<FaceConfig>;
}

export const MARGIN_ARMS: readonly MarginArm[] = [
  // X2-Softmax's defaults: f(θ) = 0.65 − 0.9·θ² (a = −0.9, h = 0, k = 0.65).
  { name: 'x2softmax', margin: 'x2softmax', settings: {} },
  { name: 'arcface-0.5', margin: 'arcface', settings: { marginM: 0.5 } },
  { name: 'cosface-0.4', margin: 'cosface', settings: { marginM: 0.4 } },
  // insightface's combined setting (1, 0.3, 0.2).
  { name: 'combined-1-0.3-0.2', margin: 'combined', settings: { marginM1: 1, marginM: 0.3, marginM3: 0.2 } },
  { name: 'normface', margin: 'normface', settings: {} },
  // MagFace defaults l_a = 10, u_a = 110, l_m = 0.45, u_m = 0.8, λ_g = 20.
  { name: 'magface', margin: 'magface', settings: {} },
  // AdaCos sets its own scale (from √2·ln(C − 1)).
  { name: 'adacos', margin: 'adacos', settings: {} },
  { name: 'curricularface-0.5', margin: 'curricularface', settings: { marginM: 0.5 } },
  { name: 'subcenter-arcface-k3', margin: 'subcenter', settings: { marginM: 0.5, subCenters: 3 } },
];

/** Options of {@link runMarginsFacesClaim}. */
export interface MarginsFacesOptions {
  /** Budget in epochs (poly schedule). Default 10 (experiment 1's quarter budget). */
  epochs?: number;
  seeds?: number[];
  results?: string;
  runs?: string;
  quick?: boolean;
  /** Only these arms (by name). Default all. */
  only?: string[];
  log?: (line: string) => void;
}

/** Trains every head × seed (resuming interrupted runs), writes `results.json` and `loss.png`. */
export async function runMarginsFacesClaim(options: MarginsFacesOptions = {}) {
  const quick = options.quick ?? false;
  const epochs = options.epochs ?? (quick ? 1 : 10);
  const seeds = options.seeds ?? [0];
  const resultsDir = options.results ?? 'claims/results/margins-faces';
  const runsDir = options.runs ?? 'runs/claims/margins-faces';
  const arms = MARGIN_ARMS.filter((a) => options.only === undefined || options.only.includes(a.name));
  const base: FaceConfig = { ...mhlrFacesConfig(quick), scheduler: 'poly', epochs };
  const outcomes: (RunOutcome & { arm: MarginArm })[] = [];
  for (const seed of seeds) {
    for (const arm of arms) {
      const config: FaceConfig = {
        ...base,
        margin: arm.margin,
        ...arm.settings,
        seed,
        out: join(runsDir, `${arm.name}-seed${seed}`),
      };
      outcomes.push({ arm, ...(await runOrResume(arm.name, config, options.log)) });
    }
  }
  const aggregates = arms.map((arm) =>
    aggregateArm(
      arm.name,
      outcomes.filter((o) => o.arm.name === arm.name).map((o) => o.summary),
    ),
  );
  await mkdir(resultsDir, { recursive: true });
  const { data: _data, out: _out, seed: _seed, ...shared } = base;
  await writeFile(
    join(resultsDir, 'results.json'),
    JSON.stringify(
      {
        experiment: 'margins-faces',
        epochs,
        seeds,
        config: shared,
        heads: arms,
        arms: aggregates,
        runs: outcomes.map((o) => o.summary),
      },
      null,
      1,
    ),
  );
  await writeChartPng(
    join(resultsDir, 'loss.png'),
    outcomes
      .filter((o) => o.summary.seed === seeds[0])
      .map((o) => ({
        name: o.arm.name,
        points: thin(
          smooth(
            o.steps.map((s) => [s.step, s.loss] as [number, number]),
            20,
          ),
        ),
      })),
    {
      title: `training loss (mean of 20 steps), seed ${seeds[0]}; heads differ in scale, so compare shapes`,
      xLabel: 'step',
      yLabel: 'loss',
      logY: true,
    },
  );
  return { arms: aggregates, runs: outcomes.map((o) => o.summary) };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''))) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      seeds: { type: 'string' },
      only: { type: 'string' },
      results: { type: 'string' },
      runs: { type: 'string' },
    },
  });
  if (!sharedFacesPresent()) {
    process.stderr.write(`face databases not found (${SHARED_FACE_TREES.join(', ')})\n`);
    process.exit(1);
  }
  const result = await runMarginsFacesClaim({
    quick: values.quick,
    ...(values.epochs !== undefined ? { epochs: Number(values.epochs) } : {}),
    ...(values.seeds !== undefined ? { seeds: values.seeds.split(',').map(Number) } : {}),
    ...(values.only !== undefined ? { only: values.only.split(',') } : {}),
    ...(values.results !== undefined ? { results: values.results } : {}),
    ...(values.runs !== undefined ? { runs: values.runs } : {}),
  });
  for (const arm of result.arms) process.stdout.write(JSON.stringify({ figure: 'arm', ...arm }) + '\n');
}
