import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { NativeSetupError } from './native-setup-error';
import { runCommand, tail } from './run-command';

/** What {@link buildBinding} needs. */
export interface BuildBindingInput {
  /** The installed `@tensorflow/tfjs-node(-gpu)` package folder (its `binding/` and `binding.gyp`). */
  readonly packageDir: string;
  readonly packageName: string;
  readonly packageVersion: string;
  /** The cache entry holding `include/` and `lib/` of one TensorFlow. */
  readonly tensorflowEntry: string;
  readonly tensorflowKey: string;
  /** N-API version the package loads (from its `binary.napi_versions` and this Node). */
  readonly napiVersion: number;
  /** More folders for the binding's run path (CUDA/cuDNN libraries of a GPU build). */
  readonly extraRunPaths: readonly string[];
  readonly cacheDir: string;
  readonly force: boolean;
  readonly log: (line: string) => void;
}

/** The run-path entry of tfjs-node's `binding.gyp` (Linux): the binding finds libtensorflow in `../../deps/lib`. */
const GYP_RPATH = "'-Wl,-rpath,\\$$ORIGIN/../../deps/lib',";

/**
 * Builds tfjs-node's N-API binding (`tfjs_binding.node`) against one TensorFlow of the cache, with the
 * node-gyp that npm bundles and Node's own headers, in a scratch folder; keeps the result in the cache
 * (one per package version, TensorFlow and N-API version) and returns its path. A cached build is reused
 * unless `force`.
 *
 * The binding's run path gets the cache's `lib/` folder after tfjs-node's own `$ORIGIN/../../deps/lib`, so it
 * loads whether the package's `deps` link is there or not.
 */
export async function buildBinding(input: BuildBindingInput): Promise<string> {
  const tensorflowLib = join(input.tensorflowEntry, 'lib');
  const runPaths = [tensorflowLib, ...input.extraRunPaths];
  const key = `${input.packageName.replace(/^@tensorflow\//, '')}-${input.packageVersion}-napi${input.napiVersion}-${process.platform}-${process.arch}-${input.tensorflowKey}-${createHash('sha256').update(runPaths.join('\n')).digest('hex').slice(0, 8)}`;
  const target = join(input.cacheDir, 'tfjs-node-bindings', key, 'tfjs_binding.node');
  if (existsSync(target) && !input.force) {
    input.log(`binding: cached ${target}`);
    return target;
  }
  await checkToolchain();
  const gyp = await readFile(join(input.packageDir, 'binding.gyp'), 'utf8').catch(() => undefined);
  if (gyp === undefined || !existsSync(join(input.packageDir, 'binding'))) {
    throw new NativeSetupError(
      `${input.packageDir} has no binding sources (binding/, binding.gyp)`,
      `Reinstall ${input.packageName}@${input.packageVersion}: its npm package ships them.`,
    );
  }
  if (!gyp.includes(GYP_RPATH)) {
    throw new NativeSetupError(
      `${input.packageName}@${input.packageVersion}'s binding.gyp does not have the run-path line this set-up extends`,
      'Use @tensorflow/tfjs-node 4.x (the set-up is tested with 4.22.0).',
    );
  }
  const runPathLines = runPaths.map((p) => `'-Wl,-rpath,${p.replace(/'/g, "\\'")}',`).join(' ');
  await mkdir(join(input.cacheDir, 'tfjs-node-bindings'), { recursive: true });
  const work = await mkdtemp(join(input.cacheDir, 'tfjs-node-bindings', `build-${key}-`));
  try {
    await cp(join(input.packageDir, 'binding'), join(work, 'binding'), { recursive: true });
    await writeFile(join(work, 'binding.gyp'), gyp.replace(GYP_RPATH, `${GYP_RPATH} ${runPathLines}`));
    await symlink(input.tensorflowEntry, join(work, 'deps'));
    const nodeGyp = await findNodeGyp();
    const nodedir = await findNodeHeaders();
    const args = [
      ...nodeGyp.slice(1),
      'rebuild',
      '--jobs=max',
      '--module_name=tfjs_binding',
      `--module_path=${join(work, 'out')}`,
      `--napi_build_version=${input.napiVersion}`,
      ...(nodedir ? [`--nodedir=${nodedir}`] : []),
    ];
    input.log(`binding: building with node-gyp${nodedir ? ` (Node headers from ${nodedir})` : ''}`);
    const started = Date.now();
    const result = await runCommand(nodeGyp[0]!, args, { cwd: work, timeoutMs: 20 * 60_000 });
    const built = join(work, 'out', 'tfjs_binding.node');
    if (result.code !== 0 || !existsSync(built)) {
      const output = `${result.stdout}\n${result.stderr}`;
      const headersMissing = /node_api\.h|common\.gypi|download.*headers|getaddrinfo|ENOTFOUND/i.test(output);
      throw new NativeSetupError(
        `Building tfjs-node's binding failed:\n${tail(output, 15)}`,
        headersMissing
          ? "node-gyp needs Node's C headers: install them (Debian: apt-get install nodejs-dev or libnode-dev; " +
              'or a Node.js tarball that has include/node) and set `npm config set nodedir <prefix>` (the folder that holds include/node).'
          : 'See the compiler output above; the set-up needs g++ (or clang++), make and python3 for node-gyp.',
      );
    }
    input.log(`binding: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial-${process.pid}`;
    await copyFile(built, partial);
    await rename(partial, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function checkToolchain(): Promise<void> {
  const compiler = process.env.CXX ?? 'c++';
  const missing: string[] = [];
  if ((await runCommand(compiler, ['--version'], { timeoutMs: 30_000 })).code !== 0)
    missing.push(`a C++ compiler (${compiler})`);
  if ((await runCommand('make', ['--version'], { timeoutMs: 30_000 })).code !== 0) missing.push('make');
  const pythons = await Promise.all(
    ['python3', 'python'].map(
      async (p) => (await runCommand(p, ['--version'], { timeoutMs: 30_000 })).code === 0,
    ),
  );
  if (!pythons.some(Boolean) && !process.env.PYTHON) missing.push('python3 (node-gyp runs gyp with it)');
  if (missing.length > 0) {
    throw new NativeSetupError(
      `Building tfjs-node's binding needs ${missing.join(', ')}, which this machine lacks`,
      'Debian/Ubuntu: apt-get install g++ make python3; Fedora: dnf install gcc-c++ make python3; ' +
        'or set CXX to your compiler.',
    );
  }
}

/** `[command, ...args]` that runs node-gyp: npm's own copy first (what `npm install` uses), else one on PATH. */
export async function findNodeGyp(): Promise<string[]> {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const candidate of candidates) {
    if (candidate && existsSync(candidate)) return [process.execPath, candidate];
  }
  if ((await runCommand('node-gyp', ['--version'], { timeoutMs: 30_000 })).code === 0) return ['node-gyp'];
  throw new NativeSetupError(
    'node-gyp was not found (neither npm’s bundled copy nor one on PATH)',
    'npm install -g node-gyp',
  );
}

/**
 * The folder holding Node's C headers (`include/node/node_api.h`): npm's `nodedir` setting, else the
 * prefix of the running Node. `undefined` means node-gyp will try to download them.
 */
export async function findNodeHeaders(): Promise<string | undefined> {
  const has = (dir: string | undefined) =>
    dir !== undefined && dir !== '' && existsSync(join(dir, 'include', 'node', 'node_api.h'));
  if (has(process.env.npm_config_nodedir)) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  if (has(prefix)) return prefix;
  const npm = await runCommand('npm', ['config', 'get', 'nodedir'], { timeoutMs: 30_000 });
  const configured = npm.code === 0 ? npm.stdout.trim() : '';
  return has(configured) ? configured : undefined;
}
