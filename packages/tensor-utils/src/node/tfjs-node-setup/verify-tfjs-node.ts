import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { realpathSync } from 'node:fs';

import { NativeSetupError } from './native-setup-error';
import { runCommand, tail } from './run-command';
import type { TfjsNodePackage } from './tfjs-node-package';

/** What {@link verifyTfjsNode} measured in a fresh Node process. */
export interface TfjsNodeVerification {
  /** TensorFlow's own version string (`TF_Version()` of the loaded library). */
  readonly tensorflowVersion: string;
  /** Largest relative difference of a conv2d filter gradient between `tensorflow` and `cpu`. */
  readonly convGradientRelativeError: number;
  /** Seconds to load the package (the library is 800 MB). */
  readonly loadSeconds: number;
}

/** Relative tolerance of the conv-gradient check (float32, different summation orders). */
export const VERIFY_TOLERANCE = 1e-4;

/**
 * The check, run in a child process so that a library that fails to load (or crashes) cannot take the
 * caller down: load the package, read TensorFlow's version, and compare the filter gradient of a 3×3
 * stride-2 'same' conv2d, and the input gradient of a two-channel conv2d, on the native backend with
 * tfjs' pure-JS cpu backend.
 */
const SCRIPT = String.raw`
const started = Date.now();
const tf = require(process.argv[1]);
const loadSeconds = (Date.now() - started) / 1000;
if (tf.getBackend() !== 'tensorflow') throw new Error('the tensorflow backend did not start (got ' + tf.getBackend() + ')');
const version = tf.backend().binding.TF_Version;
const data = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * s + 0.3));
const grad = () => tf.tidy(() => {
  const x = tf.tensor4d(data(2 * 9 * 9 * 3, 0.37), [2, 9, 9, 3]);
  const f = tf.tensor4d(data(3 * 3 * 3 * 4, 0.11), [3, 3, 3, 4]);
  const dy = tf.tensor4d(data(2 * 5 * 5 * 4, 0.23), [2, 5, 5, 4]);
  const filterGrad = tf.grad((w) => tf.conv2d(x, w, 2, 'same').mul(dy).sum())(f);
  // An input gradient, on two channels: the single-channel case is wrong under oneDNN on some CPUs and
  // initBackend() reroutes it (backend/tensorflow-conv-fixes.ts), which this raw check does not load.
  const x1 = tf.tensor4d(data(2 * 7 * 7 * 2, 0.41), [2, 7, 7, 2]);
  const f1 = tf.tensor4d(data(7 * 7 * 2, 0.13), [7, 7, 2, 1]);
  const inputGrad = tf.grad((a) => tf.conv2d(a, f1, 1, 'valid').sum())(x1);
  return tf.concat([filterGrad.flatten(), inputGrad.flatten()]).dataSync();
});
const native = grad();
tf.setBackend('cpu');
const reference = grad();
let worst = 0;
for (let i = 0; i < native.length; i++) {
  worst = Math.max(worst, Math.abs(native[i] - reference[i]) / Math.max(1, Math.abs(reference[i])));
}
process.stdout.write(JSON.stringify({ version, worst, loadSeconds }) + '\n');
`;

/**
 * Loads `pkg` in a fresh Node process and checks it computes: TensorFlow's version, and a conv2d gradient
 * that matches the cpu backend within {@link VERIFY_TOLERANCE}. Also checks that the project and the
 * package resolve one `@tensorflow/tfjs-core` (a second copy would hold its own kernel registry).
 *
 * @throws NativeSetupError saying what failed: loading (missing library, wrong binding), a wrong result,
 *   or a second tfjs-core.
 */
export async function verifyTfjsNode(pkg: TfjsNodePackage, project: string): Promise<TfjsNodeVerification> {
  checkSingleTfjsCore(pkg, project);
  const result = await runCommand(process.execPath, ['-e', SCRIPT, pkg.dir], {
    cwd: pkg.dir,
    timeoutMs: 5 * 60_000,
    env: {
      ...process.env,
      TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2',
    },
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  let parsed: { version: string; worst: number; loadSeconds: number } | undefined;
  try {
    parsed = result.code === 0 ? (JSON.parse(line) as typeof parsed) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    const output = `${result.stderr}\n${result.stdout}`;
    throw new NativeSetupError(
      `${pkg.name} does not load after the set-up:\n${tail(output, 10)}`,
      /cannot open shared object|GLIBC|GLIBCXX/.test(output)
        ? 'A library is missing or too new for this system (see above); use a TensorFlow wheel built for this ' +
            'platform (manylinux for your glibc), or run the set-up again with --force.'
        : 'Run the set-up again with --force; if it persists, report the output above.',
    );
  }
  if (!(parsed.worst <= VERIFY_TOLERANCE)) {
    throw new NativeSetupError(
      `${pkg.name} loads TensorFlow ${parsed.version} but its conv2d gradient differs from the cpu backend by ${parsed.worst} (relative)`,
      process.env.TF_ENABLE_ONEDNN_OPTS !== '0'
        ? 'TensorFlow\'s oneDNN kernels (on by default on x86) may be at fault on this CPU: set TF_ENABLE_ONEDNN_OPTS=0 in the environment and run verify again (docs/native-backend.md, "oneDNN").'
        : 'This TensorFlow build computes wrong results with tfjs-node: use another TensorFlow version.',
    );
  }
  return {
    tensorflowVersion: parsed.version,
    convGradientRelativeError: parsed.worst,
    loadSeconds: parsed.loadSeconds,
  };
}

function checkSingleTfjsCore(pkg: TfjsNodePackage, project: string): void {
  const core = (from: string) => {
    try {
      return realpathSync(createRequire(from).resolve('@tensorflow/tfjs-core/package.json'));
    } catch {
      return undefined;
    }
  };
  const fromPackage = core(join(pkg.dir, 'package.json'));
  const fromProject = core(join(resolve(project), 'package.json'));
  if (fromPackage && fromProject && fromPackage !== fromProject) {
    throw new NativeSetupError(
      `Two copies of @tensorflow/tfjs-core: ${pkg.name} uses ${fromPackage}, the project ${fromProject}; ` +
        "tfjs-node would register its backend on a registry the project's code never sees",
      `Install one version: make the project's @tensorflow/tfjs-core the same as ${pkg.name}'s (4.22.0 for tfjs-node 4.22.0) and reinstall.`,
    );
  }
}
