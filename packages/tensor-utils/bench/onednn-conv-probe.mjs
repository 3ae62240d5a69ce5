// Which conv2d / depthwiseConv2d shapes TensorFlow's oneDNN kernels get wrong or crash on, on the raw
// tfjs-node backend (no @frx fixes): each shape group runs in its own process with TF_ENABLE_ONEDNN_OPTS=1 and
// =0, and the output, input gradient and filter gradient are compared. One JSON line per group; a "crash"
// group then names its crashing shapes one by one. Run: node bench/onednn-conv-probe.mjs (needs
// `frx-tfjs-node setup`). See docs/native-backend.md, "oneDNN".
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  const tf = createRequire(import.meta.url)('@tensorflow/tfjs-node');
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647), seed / 2147483647 - 0.5);
  const arr = (n) => Float32Array.from({ length: n }, rnd);
  const out = [];
  for (const { b, h, cin, cout, k, s, pad, op } of JSON.parse(process.argv[3])) {
    const x = tf.tensor4d(arr(b * h * h * cin), [b, h, h, cin]);
    const fshape = op === 'dw' ? [k, k, cin, 1] : [k, k, cin, cout];
    const f = tf.tensor4d(arr(fshape.reduce((a, v) => a * v)), fshape);
    const fn = (xx, ff) => (op === 'dw' ? tf.depthwiseConv2d(xx, ff, s, pad) : tf.conv2d(xx, ff, s, pad));
    const y = fn(x, f);
    const probe = tf.tensor(arr(y.size), y.shape);
    const [gx, gf] = tf.grads((xx, ff) => tf.sum(tf.mul(fn(xx, ff), probe)))([x, f]);
    out.push({ y: Array.from(y.dataSync()), gx: Array.from(gx.dataSync()), gf: Array.from(gf.dataSync()) });
  }
  // No process.exit: it could cut the pipe before the output is flushed.
  process.stdout.write(JSON.stringify(out));
} else {
  const run = (onednn, list) => {
    try {
      const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', TF_ENABLE_ONEDNN_OPTS: onednn };
      const stdout = execFileSync(process.execPath, [self, '--child', JSON.stringify(list)], {
        env,
        maxBuffer: 1 << 30,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return JSON.parse(stdout.toString());
    } catch {
      return null;
    }
  };
  const worst = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / (1 + Math.abs(b[i]))), 0);

  for (const op of ['conv', 'dw'])
    for (const cin of [1, 2, 3, 8, 16])
      for (const k of [1, 3, 7]) {
        const shapes = [];
        for (const cout of op === 'dw' ? [1] : [1, 8, 64])
          for (const s of [1, 2])
            for (const pad of ['same', 'valid'])
              for (const b of [1, 4])
                for (const h of [7, 16])
                  if (!(pad === 'valid' && k > h)) shapes.push({ op, cin, cout, k, s, pad, b, h });
        const reference = run('0', shapes);
        const onednn = run('1', shapes);
        const group = { op, inChannels: cin, kernel: k, shapes: shapes.length };
        if (!reference || !onednn) {
          const crashing = onednn ? [] : shapes.filter((shape) => !run('1', [shape]));
          console.log(JSON.stringify({ ...group, crash: reference ? 'onednn' : 'reference', crashing }));
          continue;
        }
        const wrong = [];
        shapes.forEach((shape, i) => {
          const d = ['y', 'gx', 'gf'].map((part) => worst(onednn[i][part], reference[i][part]));
          if (d.some((v) => v > 1e-4))
            wrong.push({ ...shape, output: d[0], inputGrad: d[1], filterGrad: d[2] });
        });
        console.log(JSON.stringify({ ...group, wrong }));
      }
}
