// Shared machinery of the claim experiments: run (or resume, or reuse) one training run, summarise it,
// aggregate seeds, and write PNG charts. Every run lives in its own folder with checkpoints, so an
// interrupted experiment continues where it stopped and a larger budget extends the finished runs.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { lineChartSvg, type ChartSeries, type LineChartOptions } from '@frx/tensor-utils';
import type { FaceConfig } from '../src/config/face-config';
import { listCheckpoints } from '../src/train/checkpoint';
import { trainFaceRecognition, type StepRecord } from '../src/train/train-face-recognition';

/** The four face databases of `../shared/data/faces` (199 identities, 2406 images together). */
export const SHARED_FACE_TREES = ['orl', 'ar-ii', 'umist', 'imm'].map((name) =>
  fileURLToPath(new URL(`../../../../shared/data/faces/${name}`, import.meta.url)),
);

/** Whether every shared face tree is present (the experiments skip with a message otherwise). */
export function sharedFacesPresent(): boolean {
  return SHARED_FACE_TREES.every((p) => existsSync(p));
}

/** What one finished run reports (also written as `summary.json` into its folder). */
export interface RunSummary {
  arm: string;
  seed: number;
  steps: number;
  totalSteps: number;
  /**
   * Held-out 10-fold accuracy and its fold spread (population std); for a run scored by a
   * {@link RunEvaluator}, what it returns (CIFAR-10: test top-1 accuracy, `foldStd` 0).
   */
  accuracy: number;
  foldStd: number;
  /** TAR at FAR 0.1 and 0.01 over all held-out pairs (empty for a classification run). */
  tarAtFar: { far: number; tar: number }[];
  /** Sum of the logged step times (data + forward + backward + update), over all resumes, seconds. */
  wallSeconds: number;
  finalLr: number;
  /** Mean loss of the last 5 % of steps (at least 10). */
  finalLoss: number;
  /** Learning-rate changes by ×½ and by ×4 (MHLR v1 rebounds) between consecutive steps. */
  halvings: number;
  rebounds: number;
  /** Step indices of those changes. */
  changes: number[];
  backend: string;
}

/**
 * Scores a finished run from its newest checkpoint when the run has no verification set of its own (the
 * CIFAR-10 experiment scores test-set classification accuracy this way).
 */
export type RunEvaluator = (
  checkpoint: string,
) => Promise<Pick<RunSummary, 'accuracy' | 'foldStd' | 'tarAtFar'>>;

/** A finished run with its per-step log. */
export interface RunOutcome {
  summary: RunSummary;
  steps: StepRecord[];
}

async function readSteps(out: string): Promise<StepRecord[]> {
  const text = await readFile(join(out, 'log.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string })
    .filter((r): r is StepRecord => r.type === 'step');
}

/** Counts the ×½ and ×4 learning-rate changes of a step log (exact ratios, as the detectors apply them). */
export function countLrChanges(steps: readonly StepRecord[]): {
  halvings: number;
  rebounds: number;
  changes: number[];
} {
  let halvings = 0;
  let rebounds = 0;
  const changes: number[] = [];
  for (let i = 1; i < steps.length; i++) {
    const ratio = steps[i]!.lr / steps[i - 1]!.lr;
    if (Math.abs(ratio - 0.5) < 1e-9) halvings++;
    else if (Math.abs(ratio - 4) < 1e-9) rebounds++;
    else continue;
    changes.push(steps[i]!.step);
  }
  return { halvings, rebounds, changes };
}

/**
 * Trains `config` into `config.out`, or resumes it from its newest checkpoint, or, when `summary.json`
 * says it finished at this budget, reads it back without training.
 *
 * @param arm Name of the arm, stored in the summary.
 * @param log Where one line per started/finished run goes (stderr by default).
 * @param evaluate Scores the run from its final checkpoint; default: the run's own final verification.
 */
export async function runOrResume(
  arm: string,
  config: FaceConfig,
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  evaluate?: RunEvaluator,
): Promise<RunOutcome> {
  const summaryPath = join(config.out, 'summary.json');
  if (existsSync(summaryPath)) {
    const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as RunSummary;
    if (summary.steps === summary.totalSteps) return { summary, steps: await readSteps(config.out) };
  }
  const resume = (await listCheckpoints(join(config.out, 'checkpoints'))).length > 0;
  log(`${resume ? 'resuming' : 'starting'} ${arm} seed ${config.seed} -> ${config.out}`);
  const result = await trainFaceRecognition(config, { resume });
  const steps = result.steps;
  const report = evaluate !== undefined ? await evaluate(result.checkpoint) : result.finalReport;
  if (report === null) throw new Error(`${config.out}: the run has no verification set`);
  const tail = steps.slice(-Math.max(10, Math.round(steps.length / 20)));
  const summary: RunSummary = {
    arm,
    seed: config.seed,
    steps: result.finalStep,
    totalSteps: result.totalSteps,
    accuracy: report.accuracy,
    foldStd: 'foldStd' in report ? report.foldStd : report.std,
    tarAtFar: report.tarAtFar,
    wallSeconds: steps.reduce((s, r) => s + config.batchSize / r.imagesPerSecond, 0),
    finalLr: steps.at(-1)!.lr,
    finalLoss: tail.reduce((s, r) => s + r.loss, 0) / tail.length,
    // Only the loss-driven schedules change the rate by exact factors; a polynomial decay's consecutive
    // rates can have the ratio ½ by coincidence (2ε → ε at its end).
    ...(config.scheduler === 'mhlr' || config.scheduler === 'fastface'
      ? countLrChanges(steps)
      : { halvings: 0, rebounds: 0, changes: [] }),
    backend: result.backend,
  };
  await writeFile(summaryPath, JSON.stringify(summary, null, 1));
  log(
    `done ${arm} seed ${config.seed}: accuracy ${summary.accuracy.toFixed(4)}, ${summary.wallSeconds.toFixed(0)} s`,
  );
  return { summary, steps };
}

/** Mean and spread (population std, min, max) of one figure over seeds. */
export interface MeanSpread {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
}

export function meanSpread(values: readonly number[]): MeanSpread {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return { mean, std, min: Math.min(...values), max: Math.max(...values), n };
}

/** Per-arm aggregate of {@link RunSummary} over seeds. */
export function aggregateArm(arm: string, runs: readonly RunSummary[]) {
  const tar = (far: number) => runs.map((r) => r.tarAtFar.find((t) => t.far === far)?.tar ?? NaN);
  return {
    arm,
    seeds: runs.map((r) => r.seed),
    steps: runs[0]?.totalSteps ?? 0,
    accuracy: meanSpread(runs.map((r) => r.accuracy)),
    tarAtFar01: meanSpread(tar(0.1)),
    tarAtFar001: meanSpread(tar(0.01)),
    wallSeconds: meanSpread(runs.map((r) => r.wallSeconds)),
    finalLoss: meanSpread(runs.map((r) => r.finalLoss)),
    finalLr: runs.map((r) => r.finalLr),
    halvings: runs.map((r) => r.halvings),
    rebounds: runs.map((r) => r.rebounds),
  };
}

/** Keeps at most `max` evenly spaced points of a curve (charts of long runs stay small). */
export function thin<T>(points: readonly T[], max = 600): T[] {
  if (points.length <= max) return [...points];
  const stride = points.length / max;
  return Array.from({ length: max }, (_, i) => points[Math.floor(i * stride)]!);
}

/**
 * Renders a line chart (`lineChartSvg` of the pipeline's charts) to PNG with resvg (`@resvg/resvg-js`),
 * using the system's DejaVu Sans (or any sans-serif font) for the labels.
 */
export async function writeChartPng(
  path: string,
  series: readonly ChartSeries[],
  options: LineChartOptions,
): Promise<void> {
  const svg = lineChartSvg(series, { width: 900, height: 420, ...options });
  // Loaded on first use: resvg's native module is only needed once the runs are done.
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: 1200 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, png);
}
