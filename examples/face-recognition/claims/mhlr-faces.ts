// Experiment 1 of issue 16: MHLR's claim ("1/4 of the training time, at most about 1 point lost", Gong et
// al., arXiv 2404.11118) on the four face databases of ../shared/data/faces together (199 identities; 40
// held out for verification, the same split for every arm and seed).
//
// Arms: (a) arcface_torch's polynomial schedule over the full budget E, (b) MHLR v1 over E/4, (c) FastFace
// (MHLR v2) over E/4 with the paper's constants, (c2) FastFace over E/4 with its constants scaled by the step
// budget, (d) the polynomial schedule squeezed into E/4.
//
//   pnpm --filter @frx/example-face-recognition claim:mhlr-faces [-- --quick] [--epochs 40] [--seeds 0,1,2]
//
// Writes claims/results/mhlr-faces/{results.json, loss.png, lr.png, signal-*.png}; run folders (with
// checkpoints, so an interrupted experiment resumes) under runs/claims/mhlr-faces/.
import { smooth } from '@frx/tensor-utils';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { FaceConfig } from '../src/config/face-config';
import { facePreset } from '../src/config/presets';
import {
  aggregateArm,
  runOrResume,
  sharedFacesPresent,
  SHARED_FACE_TREES,
  thin,
  writeChartPng,
  type RunEvaluator,
  type RunOutcome,
} from './claim-runs';

/** One arm of the experiment. */
export interface MhlrArm {
  name: string;
  scheduler: FaceConfig['scheduler'];
  /** Fraction of the full budget E. */
  budget: 1 | 0.25;
  schedulerConstants?: 'paper' | 'budget';
}

export const MHLR_ARMS: readonly MhlrArm[] = [
  { name: 'a-poly-full', scheduler: 'poly', budget: 1 },
  { name: 'b-mhlr-quarter', scheduler: 'mhlr', budget: 0.25 },
  { name: 'c-fastface-quarter', scheduler: 'fastface', budget: 0.25 },
  { name: 'c2-fastface-quarter-scaled', scheduler: 'fastface', budget: 0.25, schedulerConstants: 'budget' },
  { name: 'd-poly-quarter', scheduler: 'poly', budget: 0.25 },
];

/** Options of {@link runMhlrFacesClaim}. */
export interface MhlrFacesOptions {
  /** Full budget E in epochs. Default 40. */
  epochs?: number;
  seeds?: number[];
  /** Results folder (JSON + PNG). Default `claims/results/mhlr-faces`. */
  results?: string;
  /** Run folders. Default `runs/claims/mhlr-faces`. */
  runs?: string;
  /** Tiny budget and data for a smoke test (under 2 minutes). */
  quick?: boolean;
  backend?: FaceConfig['backend'];
  log?: (line: string) => void;
}

/** The configuration every arm shares (only scheduler, epochs, seed and out differ). */
export function mhlrFacesConfig(quick: boolean): FaceConfig {
  return {
    ...facePreset('orl-small'),
    preset: 'claim-mhlr-faces',
    data: SHARED_FACE_TREES,
    maxIdentities: 0,
    inputSize: 32,
    // 40 of 199 identities held out, split seed fixed so every arm and seed sees the same people.
    verification: { kind: 'held-out', identities: 40, pairsPerFold: 30, splitSeed: 0 },
    backbone: 'iresnet18',
    width: 0.25,
    embeddingSize: 128,
    // FastFace's WebFace recipe head (CosFace m = 0.4) at s = 32 (see the orl presets for why not 64).
    margin: 'cosface',
    marginM: 0.4,
    scale: 32,
    lr: 0.1,
    batchSize: 64,
    warmupEpochs: 0,
    checkpointEvery: 100,
    keepCheckpoints: 2,
    evalEvery: 0,
    evalBatchSize: 100,
    progress: 'silent',
    ...(quick
      ? {
          data: SHARED_FACE_TREES.slice(0, 1),
          maxIdentities: 20,
          verification: { kind: 'held-out', identities: 6, pairsPerFold: 4, splitSeed: 0 },
          inputSize: 16,
          embeddingSize: 16,
          batchSize: 16,
          checkpointEvery: 4,
          evalBatchSize: 48,
        }
      : {}),
  };
}

/** What {@link runMhlrArms} needs besides the arms: the shared configuration and where runs go. */
export interface MhlrArmsRun {
  base: FaceConfig;
  /** Full budget E in epochs. */
  epochs: number;
  seeds: readonly number[];
  runs: string;
  backend?: FaceConfig['backend'];
  log?: (line: string) => void;
  /** Scores a run from its checkpoint (default: its held-out verification). */
  evaluate?: RunEvaluator;
}

/** Runs (or resumes, or reads back) every arm of {@link MHLR_ARMS} × seed, seed-major. */
export async function runMhlrArms(run: MhlrArmsRun): Promise<(RunOutcome & { arm: MhlrArm })[]> {
  const outcomes: (RunOutcome & { arm: MhlrArm })[] = [];
  // Seed-major: a partial experiment still holds complete seeds.
  for (const seed of run.seeds) {
    for (const arm of MHLR_ARMS) {
      const config: FaceConfig = {
        ...run.base,
        scheduler: arm.scheduler,
        epochs: run.epochs * arm.budget,
        seed,
        out: join(run.runs, `${arm.name}-seed${seed}`),
        ...(arm.schedulerConstants !== undefined ? { schedulerConstants: arm.schedulerConstants } : {}),
        ...(run.backend !== undefined ? { backend: run.backend } : {}),
      };
      outcomes.push({ arm, ...(await runOrResume(arm.name, config, run.log, run.evaluate)) });
    }
  }
  return outcomes;
}

/** Per-arm mean ± spread of {@link runMhlrArms}' outcomes, in the order of {@link MHLR_ARMS}. */
export function aggregateMhlrArms(outcomes: readonly (RunOutcome & { arm: MhlrArm })[]) {
  return MHLR_ARMS.map((arm) =>
    aggregateArm(
      arm.name,
      outcomes.filter((o) => o.arm.name === arm.name).map((o) => o.summary),
    ),
  );
}

/** Writes `loss.png`, `lr.png` and `signal-<arm>.png` (MHLR / FastFace arms) of one seed into `dir`. */
export async function writeMhlrCharts(
  dir: string,
  outcomes: readonly (RunOutcome & { arm: MhlrArm })[],
  seed: number,
): Promise<void> {
  const first = outcomes.filter((o) => o.summary.seed === seed);
  const series = (f: (o: RunOutcome) => [number, number][]) =>
    first.map((o) => ({ name: o.arm.name, points: thin(f(o)) }));
  await writeChartPng(
    join(dir, 'loss.png'),
    series((o) =>
      smooth(
        o.steps.map((s) => [s.step, s.loss] as [number, number]),
        20,
      ),
    ),
    { title: `training loss (mean of 20 steps), seed ${seed}`, xLabel: 'step', yLabel: 'loss' },
  );
  await writeChartPng(
    join(dir, 'lr.png'),
    series((o) => o.steps.map((s) => [s.step, s.lr] as [number, number])),
    { title: `learning rate, seed ${seed}`, xLabel: 'step', yLabel: 'lr', logY: true },
  );
  const detectors = first.filter((o) => o.arm.scheduler === 'mhlr' || o.arm.scheduler === 'fastface');
  for (const o of detectors) {
    await writeChartPng(
      join(dir, `signal-${o.arm.name}.png`),
      [
        {
          name: o.arm.scheduler === 'mhlr' ? 'Haar response H' : 'slope estimate D',
          points: thin(o.steps.map((s) => [s.step, s.signal ?? NaN] as [number, number])),
        },
      ],
      {
        title: `${o.arm.name} detector signal, seed ${seed} (halvings at ${o.summary.changes.join(', ') || 'none'})`,
        xLabel: 'step',
        yLabel: 'signal',
      },
    );
  }
}

/**
 * Runs (or resumes) every arm × seed, then writes `results.json` (per-run summaries, per-arm mean ± spread)
 * and the loss / learning-rate / detector-signal PNGs of the first seed.
 */
export async function runMhlrFacesClaim(options: MhlrFacesOptions = {}) {
  const quick = options.quick ?? false;
  const epochs = options.epochs ?? (quick ? 4 : 40);
  const seeds = options.seeds ?? (quick ? [0] : [0, 1, 2]);
  const resultsDir = options.results ?? 'claims/results/mhlr-faces';
  const runsDir = options.runs ?? 'runs/claims/mhlr-faces';
  const base = mhlrFacesConfig(quick);
  const outcomes = await runMhlrArms({
    base,
    epochs,
    seeds,
    runs: runsDir,
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
  });
  const arms = aggregateMhlrArms(outcomes);
  await mkdir(resultsDir, { recursive: true });
  const { data: _data, out: _out, seed: _seed, ...shared } = base;
  await writeFile(
    join(resultsDir, 'results.json'),
    JSON.stringify(
      {
        experiment: 'mhlr-faces',
        fullBudgetEpochs: epochs,
        seeds,
        data: (typeof base.data === 'string' ? [base.data] : base.data).map((p) => p.replace(/^.*[\\/]/, '')),
        config: shared,
        arms,
        runs: outcomes.map((o) => o.summary),
      },
      null,
      1,
    ),
  );
  await writeMhlrCharts(resultsDir, outcomes, seeds[0]!);
  return { arms, runs: outcomes.map((o) => o.summary) };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''))) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      seeds: { type: 'string' },
      results: { type: 'string' },
      runs: { type: 'string' },
    },
  });
  if (!sharedFacesPresent()) {
    process.stderr.write(`face databases not found (${SHARED_FACE_TREES.join(', ')})\n`);
    process.exit(1);
  }
  const result = await runMhlrFacesClaim({
    quick: values.quick,
    ...(values.epochs !== undefined ? { epochs: Number(values.epochs) } : {}),
    ...(values.seeds !== undefined ? { seeds: values.seeds.split(',').map(Number) } : {}),
    ...(values.results !== undefined ? { results: values.results } : {}),
    ...(values.runs !== undefined ? { runs: values.runs } : {}),
  });
  for (const arm of result.arms) process.stdout.write(JSON.stringify({ figure: 'arm', ...arm }) + '\n');
}
