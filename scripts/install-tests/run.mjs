#!/usr/bin/env node
// Install tests: every published @frx package as a user gets it.
//
// For each package: `pnpm pack` (workspace:^ becomes a real range), then a scratch npm project that
// installs exactly what the package README's `pnpm add …` line lists (third-party packages from the npm
// registry, @frx siblings from their packed tarballs), `import` and `require` of every entry point, and
// every ```ts example of the README run as written (transpiled by TypeScript, one module per block).
// An example that cannot run (it needs a dataset file) is marked in the README by the HTML comment
// `<!-- install-test: skip (reason) -->` on the line before its fence; a whole README by
// `<!-- install-test: skip-examples (reason) -->`. Then publint --strict and attw (node10, node16 CJS and
// ESM, bundler) over each tarball.
//
// Usage: node scripts/install-tests/run.mjs [package…]   (after `pnpm build`; default: every package)
// Prints one line per check and closes with "install-tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ts = createRequire(join(ROOT, 'package.json'))('typescript');
const BIN = join(ROOT, 'node_modules/.bin');
const WORK = join(process.env.FRX_INSTALL_TEST_DIR ?? tmpdir(), 'frx-install-tests');
const TARBALLS = join(WORK, 'tarballs');
const SNIPPET_TIMEOUT_MS = 180_000;
// A bundle that imports only these names must not contain these packages (accurate `sideEffects`).
const TREE_SHAKING = {
  '@frx/margin-losses': {
    names: ['x2SoftmaxLogits', 'marginCrossEntropy'],
    excluded: '@tensorflow/tfjs-layers',
  },
};
const esbuild = createRequire(createRequire(join(ROOT, 'package.json')).resolve('tsup'))('esbuild');

const counts = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
function report(status, what, detail = '') {
  counts[status]++;
  const mark = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' }[status];
  console.log(`${mark} ${what}${detail ? ` — ${detail}` : ''}`);
  if (status === 'failed') failures.push(what);
}

function run(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { ok: result.status === 0, output, seconds: (Date.now() - started) / 1000, error: result.error };
}

function tail(text, lines = 12) {
  return text.trim().split('\n').slice(-lines).join('\n      ');
}

/** The README's `pnpm add` packages (every such line of its sh blocks) and its ```ts examples. */
export function parseReadme(text) {
  const install = new Set();
  const examples = [];
  const skipAll = /<!--\s*install-test:\s*skip-examples\b/.test(text);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const body = lines.slice(start + 1, end).join('\n');
    let previous = start - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const marker = previous >= 0 ? /<!--\s*install-test:\s*skip\b([^>]*)-->/.exec(lines[previous]) : null;
    if (fence[1] === 'sh') {
      for (const line of body.split('\n')) {
        const add = /^\s*pnpm add\s+(.+)$/.exec(line);
        if (add) for (const name of add[1].split(/\s+/)) if (name && !name.startsWith('-')) install.add(name);
      }
    } else if (fence[1] === 'ts') {
      examples.push({
        line: start + 1,
        code: body,
        skip: skipAll ? 'skip-examples' : marker ? marker[1].trim() || 'marked' : null,
      });
    }
    i = end;
  }
  return { install: [...install], examples };
}

function packAll(names) {
  rmSync(TARBALLS, { recursive: true, force: true });
  mkdirSync(TARBALLS, { recursive: true });
  const tarballs = new Map();
  for (const name of names) {
    const dir = join(ROOT, 'packages', name);
    const packed = run('pnpm', ['pack', '--pack-destination', TARBALLS], { cwd: dir });
    const file = readdirSync(TARBALLS).find((f) => f.startsWith(`frx-${name}-`) && f.endsWith('.tgz'));
    if (!packed.ok || !file) {
      report('failed', `${name}: pnpm pack`, tail(packed.output));
      continue;
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    tarballs.set(manifest.name, { file: join(TARBALLS, file), manifest, dir });
  }
  return tarballs;
}

/** @frx dependencies of a package, transitively (they are not on the registry: use the tarballs). */
function frxClosure(name, tarballs, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const deps = tarballs.get(name)?.manifest.dependencies ?? {};
  for (const dep of Object.keys(deps)) if (dep.startsWith('@frx/')) frxClosure(dep, tarballs, seen);
  return seen;
}

function entryPoints(manifest) {
  return Object.keys(manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}

function testPackage(name, tarballs) {
  const { manifest, file, dir } = tarballs.get(name);
  const readme = parseReadme(readFileSync(join(dir, 'README.md'), 'utf8'));
  const scratch = join(WORK, name.replace('@frx/', ''));
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
  );

  // What the README installs; @frx packages (and their @frx dependencies) from the tarballs.
  if (!readme.install.includes(name))
    report('failed', `${name}: README install line`, `no \`pnpm add ${name}\``);
  const frx = new Set();
  const specs = [];
  for (const spec of readme.install) {
    if (spec.startsWith('@frx/')) for (const dep of frxClosure(spec, tarballs)) frx.add(dep);
    else specs.push(spec);
  }
  for (const dep of frx) specs.push(tarballs.get(dep).file);
  const npm = run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs],
    {
      cwd: scratch,
    },
  );
  if (!npm.ok) {
    report('failed', `${name}: npm install ${readme.install.join(' ')}`, tail(npm.output));
    return;
  }
  report('passed', `${name}: npm install ${readme.install.join(' ')}`, `${npm.seconds.toFixed(0)} s`);

  for (const entry of entryPoints(manifest)) {
    const esm = run(
      'node',
      [
        '--input-type=module',
        '-e',
        `const m = await import('${entry}'); if (Object.keys(m).length === 0) throw new Error('no exports');`,
      ],
      { cwd: scratch },
    );
    report(
      esm.ok ? 'passed' : 'failed',
      `${name}: import '${entry}' (ESM)`,
      esm.ok ? '' : tail(esm.output, 6),
    );
    const cjs = run(
      'node',
      [
        '-e',
        `const m = require('${entry}'); if (Object.keys(m).length === 0) throw new Error('no exports');`,
      ],
      { cwd: scratch },
    );
    report(
      cjs.ok ? 'passed' : 'failed',
      `${name}: require('${entry}') (CJS)`,
      cjs.ok ? '' : tail(cjs.output, 6),
    );
  }

  const shaking = TREE_SHAKING[name];
  if (shaking) {
    const what = `${name}: a bundle of { ${shaking.names.join(', ')} } leaves out ${shaking.excluded}`;
    const built = esbuild.buildSync({
      stdin: { contents: `export { ${shaking.names.join(', ')} } from '${name}';`, resolveDir: scratch },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    // metafile.inputs lists every file esbuild parsed; what the bundle kept has bytes in the output.
    const kept = Object.values(built.metafile.outputs)[0].inputs;
    const pulled = Object.entries(kept).filter(
      ([input, { bytesInOutput }]) =>
        bytesInOutput > 0 && input.includes(`node_modules/${shaking.excluded}/`),
    );
    const size = `${(built.outputFiles[0].contents.length / 1024).toFixed(0)} KB minified`;
    report(
      pulled.length === 0 ? 'passed' : 'failed',
      what,
      pulled.length === 0 ? size : `${size}, ${pulled.length} modules of it`,
    );
  }

  readme.examples.forEach((example, index) => {
    const what = `${name}: README example ${index + 1} (README.md line ${example.line})`;
    if (example.skip) {
      report('skipped', what, example.skip);
      return;
    }
    const js = ts.transpileModule(example.code, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: false,
      },
    }).outputText;
    const path = join(scratch, `readme-example-${index + 1}.mjs`);
    writeFileSync(path, js);
    const result = run('node', [path], { cwd: scratch, timeout: SNIPPET_TIMEOUT_MS });
    report(
      result.ok ? 'passed' : 'failed',
      what,
      result.ok ? `${result.seconds.toFixed(1)} s` : tail(result.output),
    );
  });
}

function lintTarballs(tarballs) {
  for (const [name, { file, dir }] of tarballs) {
    const publint = run(join(BIN, 'publint'), ['--strict'], { cwd: dir });
    report(
      publint.ok ? 'passed' : 'failed',
      `${name}: publint --strict`,
      publint.ok ? '' : tail(publint.output),
    );
    // attw's default profile checks node10, node16 (CJS and ESM) and bundler resolution.
    const attw = run(join(BIN, 'attw'), [file, '--format', 'table-flipped'], { cwd: dir });
    report(
      attw.ok ? 'passed' : 'failed',
      `${name}: attw (node10, node16, bundler)`,
      attw.ok ? '' : tail(attw.output, 20),
    );
  }
}

function main() {
  const all = readdirSync(join(ROOT, 'packages')).filter((n) =>
    existsSync(join(ROOT, 'packages', n, 'package.json')),
  );
  const selected = process.argv.slice(2).map((n) => n.replace('@frx/', ''));
  const started = Date.now();
  mkdirSync(WORK, { recursive: true });
  const tarballs = packAll(all);
  lintTarballs(
    new Map(
      [...tarballs].filter(([n]) => selected.length === 0 || selected.includes(n.replace('@frx/', ''))),
    ),
  );
  for (const name of tarballs.keys()) {
    if (selected.length === 0 || selected.includes(name.replace('@frx/', ''))) testPackage(name, tarballs);
  }
  console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s; failed: ${failures.join('; ') || 'none'}`);
  console.log(`install-tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
