// The picture of X2-Softmax's paper (Xu et al., arXiv 2312.05281, Fig. 1-2): the target logit f(θ) of each
// loss as a function of the angle θ between a feature and its class centre, at s = 1, computed by the
// margin functions of @frx/margin-losses themselves (no training). Also the equivalent cosine margin
// cos θ − f(θ), which is constant for CosFace, grows with θ for ArcFace and X2-Softmax. Names: combined =
// (1, 0.3, 0.2); NormFace is also AdaCos' target (no margin, its own s); ArcFace's target is also
// sub-center ArcFace's (on the best sub-centre) and CurricularFace's (which falls back past π − m);
// MagFace's margin depends on the feature norm a (shown at its bounds l_a = 10, u_a = 110).
//
//   pnpm --filter @frx/example-face-recognition claim:margin-curves [-- --out claims/results/margin-curves]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';

import {
  arcFaceLogits,
  combinedMarginLogits,
  cosFaceLogits,
  curricularFaceLogits,
  magFaceLogits,
  normFaceLogits,
  x2SoftmaxLogits,
} from '@frx/margin-losses';
import { initBackend } from '@frx/tensor-utils';

import { writeChartPng } from './claim-runs';

type Target = (cos: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor2D;

/** The curves drawn, with the settings of experiment 3 (s = 1 so the curves are on the cosine scale). */
export const CURVES: readonly { name: string; logits: Target }[] = [
  { name: 'X2-Softmax', logits: (c, l) => x2SoftmaxLogits(c, l, { s: 1 }) },
  {
    name: 'ArcFace 0.5',
    logits: (c, l) => arcFaceLogits(c, l, { s: 1, m: 0.5 }),
  },
  { name: 'CosFace 0.4', logits: (c, l) => cosFaceLogits(c, l, { s: 1, m: 0.4 }) },
  {
    name: 'combined',
    logits: (c, l) => combinedMarginLogits(c, l, { s: 1, m1: 1, m2: 0.3, m3: 0.2 }),
  },
  { name: 'NormFace', logits: (c, l) => normFaceLogits(c, l, { s: 1 }) },
  {
    name: 'Curricular',
    logits: (c, l) => curricularFaceLogits(c, l, { s: 1, m: 0.5, t: 0 }),
  },
  ...[10, 110].map((a) => ({
    name: `MagFace a=${a}`,
    logits: (c: tf.Tensor2D, l: tf.Tensor1D) =>
      magFaceLogits(c, l, { s: 1, norms: tf.fill<tf.Rank.R1>([c.shape[0]], a) }),
  })),
];

/** Target logit of every curve at `points` angles in [0°, 180°]. */
export function marginCurves(points = 181): {
  degrees: number[];
  curves: { name: string; target: number[] }[];
} {
  const degrees = Array.from({ length: points }, (_, i) => (180 * i) / (points - 1));
  const curves = CURVES.map(({ name, logits }) => {
    const target = tf.tidy(() => {
      // Column 0 is the class centre; column 1 a far negative (it does not affect the target logit).
      const cos = tf.tensor2d(
        degrees.flatMap((d) => [Math.cos((d * Math.PI) / 180), -1]),
        [points, 2],
      );
      const labels = tf.zeros<tf.Rank.R1>([points], 'int32');
      return tf.reshape(tf.slice(logits(cos, labels), [0, 0], [points, 1]), [points]);
    });
    const values = Array.from(target.dataSync());
    target.dispose();
    return { name, target: values };
  });
  return { degrees, curves };
}

/** Options of {@link runMarginCurvesClaim}. */
export interface MarginCurvesOptions {
  /** Folder of `curves.json`, `target-logit.png` and `equivalent-margin.png`. Default `claims/results/margin-curves`. */
  out?: string;
  /** Angles sampled in [0°, 180°]. Default 181 (one per degree). */
  points?: number;
}

/**
 * Computes the curves on the current backend and writes them as JSON and two PNG charts. No training, so
 * this script has no separate quick mode: the whole figure takes a few seconds.
 */
export async function runMarginCurvesClaim(options: MarginCurvesOptions = {}) {
  const out = options.out ?? 'claims/results/margin-curves';
  const { degrees, curves } = marginCurves(options.points);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'curves.json'), JSON.stringify({ degrees, curves }));
  await writeChartPng(
    join(out, 'target-logit.png'),
    curves.map((c) => ({
      name: c.name,
      points: c.target.map((v, i) => [degrees[i]!, v] as [number, number]),
    })),
    { title: 'target logit f(θ) at s = 1', xLabel: 'angle θ to the class centre (degrees)', yLabel: 'f(θ)' },
  );
  await writeChartPng(
    join(out, 'equivalent-margin.png'),
    curves.map((c) => ({
      name: c.name,
      points: c.target.map(
        (v, i) => [degrees[i]!, Math.cos((degrees[i]! * Math.PI) / 180) - v] as [number, number],
      ),
    })),
    { title: 'equivalent cosine margin cos θ − f(θ)', xLabel: 'angle θ (degrees)', yLabel: 'margin' },
  );
  return { out, files: ['curves.json', 'target-logit.png', 'equivalent-margin.png'], degrees, curves };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''))) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    strict: true,
    options: { out: { type: 'string', default: 'claims/results/margin-curves' } },
  });
  await initBackend({ backend: 'auto' });
  const { out, files } = await runMarginCurvesClaim({ out: values.out });
  process.stdout.write(JSON.stringify({ figure: 'files', out, files }) + '\n');
}
