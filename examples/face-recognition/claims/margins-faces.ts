// Experiment 3 of issue 16: X2-Softmax (Xu et al., arXiv 2312.05281) against the margins it is compared
// with — ArcFace, CosFace, the combined (m1, m2, m3) margin, NormFace — and MagFace, AdaCos,
// CurricularFace and sub-center ArcFace, on the same backbone, data split, schedule and budget as
// experiment 1's quarter-budget polynomial arm (../shared/data/faces, 40 identities held out).
//
//   pnpm --filter @frx/example-face-recognition claim:margins-faces [-- --quick] [--epochs 10] [--seeds 0]
//     [--merge]
//
// Writes claims/results/margins-faces/{results.json, loss.png}; run folders under runs/claims/margins-faces/.
// `--merge` keeps the runs of other seeds already in results.json (same budget and configuration), so seeds
// can be added one invocation at a time (or on another machine) and the table is over all of them.
import { smooth } from '@frx/tensor-utils';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { FaceConfig, MarginName } from '../src/config/face-config';
import {
  aggregateArm,
  runOrResume,
  sharedFacesPresent,
  SHARED_FACE_TREES,
  thin,
  writeChartPng,
  type RunOutcome,
  type RunSummary,
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
  /**
   * Keep the runs of seeds not in `seeds` that `results.json` already holds (it must have the same epochs
   * and configuration), and aggregate over all of them. Default `false` (the file holds this call's runs).
   */
  merge?: boolean;
  backend?: FaceConfig['backend'];
  log?: (line: string) => void;
}

/** What `results.json` of this experiment holds (the part {@link runMarginsFacesClaim} reads back). */
interface MarginsResultsFile {
  experiment: string;
  epochs: number;
  config: Omit<FaceConfig, 'data' | 'out' | 'seed'>;
  runs: RunSummary[];
}

/** The earlier runs of `results.json` to keep: other seeds, same budget and configuration. */
async function previousRuns(
  path: string,
  epochs: number,
  config: MarginsResultsFile['config'],
  seeds: readonly number[],
): Promise<RunSummary[]> {
  if (!existsSync(path)) return [];
  const previous = JSON.parse(await readFile(path, 'utf8')) as MarginsResultsFile;
  // The backend and the progress display do not define the experiment (each run records its backend).
  const defining = ({ backend: _b, progress: _p, ...rest }: MarginsResultsFile['config']) =>
    JSON.stringify(rest);
  if (
    previous.experiment !== 'margins-faces' ||
    previous.epochs !== epochs ||
    defining(previous.config) !== defining(config)
  ) {
    throw new Error(
      `${path} holds another budget or configuration; --merge only adds seeds to the same experiment`,
    );
  }
  return previous.runs.filter((r) => !seeds.includes(r.seed));
}

/** Trains every head × seed (resuming interrupted runs), writes `results.json` and `loss.png`. */
export async function runMarginsFacesClaim(options: MarginsFacesOptions = {}) {
  const quick = options.quick ?? false;
  const epochs = options.epochs ?? (quick ? 1 : 10);
  const seeds = options.seeds ?? [0];
  const resultsDir = options.results ?? 'claims/results/margins-faces';
  const runsDir = options.runs ?? 'runs/claims/margins-faces';
  const arms = MARGIN_ARMS.filter((a) => options.only === undefined || options.only.includes(a.name));
  const base: FaceConfig = {
    ...mhlrFacesConfig(quick),
    scheduler: 'poly',
    epochs,
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
  };
  const { data: _data, out: _out, seed: _seed, ...shared } = base;
  const resultsPath = join(resultsDir, 'results.json');
  // Read before training: a configuration mismatch should stop the call before it spends the compute.
  const kept = options.merge === true ? await previousRuns(resultsPath, epochs, shared, seeds) : [];
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
  const runs = [...kept, ...outcomes.map((o) => o.summary)].sort((a, b) => a.seed - b.seed);
  const allSeeds = [...new Set(runs.map((r) => r.seed))];
  // With --merge the file can hold heads this call did not run (an earlier call without --only).
  const heads = MARGIN_ARMS.filter((a) => runs.some((r) => r.arm === a.name));
  const aggregates = heads.map((arm) =>
    aggregateArm(
      arm.name,
      runs.filter((r) => r.arm === arm.name),
    ),
  );
  await mkdir(resultsDir, { recursive: true });
  await writeFile(
    resultsPath,
    JSON.stringify(
      {
        experiment: 'margins-faces',
        epochs,
        seeds: allSeeds,
        config: shared,
        heads,
        arms: aggregates,
        runs,
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
  return { arms: aggregates, runs };
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
      merge: { type: 'boolean', default: false },
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
    merge: values.merge,
    ...(values.epochs !== undefined ? { epochs: Number(values.epochs) } : {}),
    ...(values.seeds !== undefined ? { seeds: values.seeds.split(',').map(Number) } : {}),
    ...(values.only !== undefined ? { only: values.only.split(',') } : {}),
    ...(values.results !== undefined ? { results: values.results } : {}),
    ...(values.runs !== undefined ? { runs: values.runs } : {}),
  });
  for (const arm of result.arms) process.stdout.write(JSON.stringify({ figure: 'arm', ...arm }) + '\n');
}
