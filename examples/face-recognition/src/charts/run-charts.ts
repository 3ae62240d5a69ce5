import { join } from 'node:path';

import { lineChartSvg, smooth } from '@frx/tensor-utils';
import { writeChart } from '@frx/tensor-utils/node';

import type { EvalRecord, LogRecord, StepRecord } from '../train/train-face-recognition';

/** Steps of the trailing average drawn over the raw loss. */
const LOSS_SMOOTHING = 20;

/**
 * Writes the curves of a run into `<out>/charts/`, each as SVG and PNG: `loss` (raw and smoothed), `lr` (log
 * scale), `signal` (the MHLR/FastFace detector, when the scheduler has one) and `accuracy` (when the run was
 * verified).
 *
 * @returns the files written.
 */
export async function writeRunCharts(out: string, log: readonly LogRecord[]): Promise<string[]> {
  const steps = log.filter((r): r is StepRecord => r.type === 'step');
  const evals = log.filter((r): r is EvalRecord => r.type === 'eval');
  const dir = join(out, 'charts');
  const files: [string, string][] = [];
  const loss = steps.map((r) => [r.step, r.loss] as const);
  files.push([
    'loss.svg',
    lineChartSvg(
      [
        { name: 'loss', points: loss },
        { name: `mean of ${LOSS_SMOOTHING}`, points: smooth(loss, LOSS_SMOOTHING) },
      ],
      { title: 'training loss', xLabel: 'step', yLabel: 'loss' },
    ),
  ]);
  files.push([
    'lr.svg',
    lineChartSvg([{ name: 'lr', points: steps.map((r) => [r.step, r.lr] as const) }], {
      title: 'learning rate',
      xLabel: 'step',
      yLabel: 'lr',
      logY: true,
    }),
  ]);
  const signal = steps.filter((r) => r.signal !== null).map((r) => [r.step, r.signal!] as const);
  if (signal.length > 0) {
    files.push([
      'signal.svg',
      lineChartSvg([{ name: 'detector', points: signal }], {
        title: 'MHLR / FastFace detector signal',
        xLabel: 'step',
        yLabel: 'signal',
      }),
    ]);
  }
  if (evals.length > 0) {
    files.push([
      'accuracy.svg',
      lineChartSvg([{ name: evals[0]!.name, points: evals.map((r) => [r.step, r.accuracy] as const) }], {
        title: 'verification accuracy (10-fold)',
        xLabel: 'step',
        yLabel: 'accuracy',
      }),
    ]);
  }
  const written: string[] = [];
  for (const [name, svg] of files) {
    const { svg: svgFile, png } = await writeChart(join(dir, name), svg);
    written.push(svgFile, png);
  }
  return written;
}
