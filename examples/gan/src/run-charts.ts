import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { lineChartSvg, smooth } from '@frx/tensor-utils';
import { writeChart } from '@frx/tensor-utils/node';

import { type EvalPoint, renderEvalChart } from './chart';

/** Steps of the trailing mean drawn for the (noisy) per-step GAN losses. */
const LOSS_SMOOTHING = 50;

interface StepLine {
  type: 'step';
  step: number;
  lossD: number;
  lossG: number;
}

/** The step records of `metrics.jsonl`, one per step (a resumed run's re-logged steps keep their last line). */
async function stepRecords(metricsFile: string): Promise<StepLine[]> {
  const text = await readFile(metricsFile, 'utf8').catch(() => '');
  const byStep = new Map<number, StepLine>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { type?: string };
    if (r.type === 'step') byStep.set((r as StepLine).step, r as StepLine);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/**
 * Writes the charts of a GAN run into its folder, each as SVG and PNG: `fid-kid` (FID and KID per evaluation,
 * when there are evaluations) and `losses` (trailing means of the discriminator and generator losses).
 *
 * @returns the files written.
 */
export async function writeGanCharts(
  out: string,
  evals: readonly EvalPoint[],
  label: string,
): Promise<string[]> {
  const files: string[] = [];
  if (evals.length > 0) {
    const { svg, png } = await writeChart(join(out, 'fid-kid.svg'), renderEvalChart([...evals], label));
    files.push(svg, png);
  }
  const steps = await stepRecords(join(out, 'metrics.jsonl'));
  if (steps.length > 0) {
    const chart = lineChartSvg(
      [
        {
          name: `D loss, mean of ${LOSS_SMOOTHING}`,
          points: smooth(
            steps.map((r) => [r.step, r.lossD]),
            LOSS_SMOOTHING,
          ),
        },
        {
          name: `G loss, mean of ${LOSS_SMOOTHING}`,
          points: smooth(
            steps.map((r) => [r.step, r.lossG]),
            LOSS_SMOOTHING,
          ),
        },
      ],
      { title: `losses — ${label}`, xLabel: 'generator step', yLabel: 'loss' },
    );
    const { svg, png } = await writeChart(join(out, 'losses.svg'), chart);
    files.push(svg, png);
  }
  return files;
}
