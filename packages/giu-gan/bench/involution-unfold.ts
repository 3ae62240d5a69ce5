// Involution's unfold, A/B in one process: the K² slices + stack of @frx/giu-gan ≤ 0.2 (`slice-stack`) against
// a one-hot depthwise convolution (`depthwise`) and the shift-and-add it uses now (`shift-add`), forward + backward (input gradient and the
// generated kernel's), interleaved repetitions, median wall and CPU time. One JSON line per figure.
//
//   pnpm --filter @frx/giu-gan bench:unfold -- --backend tensorflow --width 32 --batch 64 --reps 5
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';

import { initBackend, type BackendChoice } from '@frx/tensor-utils';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values } = parseArgs({
  args: argv,
  options: {
    width: { type: 'string', default: '32' },
    batch: { type: 'string', default: '64' },
    reps: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'tensorflow' },
  },
});
const backend = await initBackend({ backend: values.backend as BackendChoice });
const [n, h, c, k, groups] = [
  Number(values.batch),
  16,
  2 * Number(values.width),
  3,
  (2 * Number(values.width)) / 16,
];

// The previous formulation (kept here only as the A of the comparison).
function sliceStack(x: tf.Tensor4D, span: tf.Tensor4D): tf.Tensor {
  const kernel = tf.reshape(tf.transpose(tf.reshape(span, [n, h, h, groups, k * k]), [4, 0, 1, 2, 3]), [
    k * k,
    n,
    h,
    h,
    groups,
    1,
  ]);
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const slices: tf.Tensor[] = [];
  for (let u = 0; u < k; u++)
    for (let v = 0; v < k; v++) slices.push(tf.slice(padded, [0, u, v, 0], [n, h, h, c]));
  const patches = tf.reshape(tf.stack(slices, 0), [k * k, n, h, h, groups, c / groups]);
  return tf.reshape(tf.sum(tf.mul(patches, kernel), 0), [n, h, h, c]);
}

const oneHot = new Float32Array(k * k * c * k * k);
for (let u = 0; u < k; u++)
  for (let v = 0; v < k; v++)
    for (let ci = 0; ci < c; ci++) oneHot[((u * k + v) * c + ci) * k * k + u * k + v] = 1;
const filter = tf.tensor4d(oneHot, [k, k, c, k * k]);
function depthwise(x: tf.Tensor4D, span: tf.Tensor4D): tf.Tensor {
  const kernel = tf.reshape(span, [n, h, h, groups, 1, k * k]);
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const patches = tf.reshape(tf.depthwiseConv2d(padded, filter, 1, 'valid'), [
    n,
    h,
    h,
    groups,
    c / groups,
    k * k,
  ]);
  return tf.reshape(tf.sum(tf.mul(patches, kernel), -1), [n, h, h, c]);
}

function shiftAdd(x: tf.Tensor4D, span: tf.Tensor4D): tf.Tensor {
  const kernel = tf.reshape(span, [n, h, h, groups, k * k]);
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const terms: tf.Tensor[] = [];
  for (let u = 0; u < k; u++)
    for (let v = 0; v < k; v++) {
      const patch = tf.reshape(tf.slice(padded, [0, u, v, 0], [n, h, h, c]), [n, h, h, groups, c / groups]);
      terms.push(tf.mul(patch, tf.slice(kernel, [0, 0, 0, 0, u * k + v], [n, h, h, groups, 1])));
    }
  return tf.reshape(tf.addN(terms), [n, h, h, c]);
}

const x = tf.randomNormal<tf.Rank.R4>([n, h, h, c], 0, 1, 'float32', 1);
const span = tf.randomNormal<tf.Rank.R4>([n, h, h, groups * k * k], 0, 1, 'float32', 2);
const arms = { 'slice-stack': sliceStack, depthwise, 'shift-add': shiftAdd } as const;
const run = (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor) =>
  tf.tidy(() => {
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(f(a as tf.Tensor4D, b as tf.Tensor4D))),
    )([x, span]);
    grads.forEach((g) => g.dataSync());
  });
// Same results (up to summation order) before timing.
const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(sliceStack(x, span), depthwise(x, span)))).dataSync()[0]!);
const times: Record<string, { wall: number[]; cpu: number[] }> = {};
for (const name of Object.keys(arms)) {
  times[name] = { wall: [], cpu: [] };
  run(arms[name as keyof typeof arms]); // warm-up
}
for (let r = 0; r < Number(values.reps); r++) {
  for (const [name, f] of Object.entries(arms)) {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    run(f);
    const cpu = process.cpuUsage(cpu0);
    times[name]!.wall.push(performance.now() - wall0);
    times[name]!.cpu.push((cpu.user + cpu.system) / 1000);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [name, t] of Object.entries(times)) {
  console.log(
    JSON.stringify({
      figure: `involution-unfold-forward-backward/${name}`,
      wallMs: Number(median(t.wall).toFixed(1)),
      cpuMs: Number(median(t.cpu).toFixed(1)),
      shape: [n, h, h, c],
      kernelSize: k,
      groups,
      backend,
      maxAbsDifference: diff,
      loadAverage: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
}
tf.dispose([x, span, filter]);
