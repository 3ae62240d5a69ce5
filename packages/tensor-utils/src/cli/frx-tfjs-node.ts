#!/usr/bin/env node
import { parseArgs } from 'node:util';

import { NativeSetupError } from '../node/tfjs-node-setup/native-setup-error';
import { setupTfjsNode, DEFAULT_TENSORFLOW_REQUIREMENT } from '../node/tfjs-node-setup/setup-tfjs-node';
import { findTfjsNodePackage } from '../node/tfjs-node-setup/tfjs-node-package';
import { verifyTfjsNode } from '../node/tfjs-node-setup/verify-tfjs-node';

const USAGE = `frx-tfjs-node — make @tensorflow/tfjs-node run on TensorFlow's own library (from its Python wheel)

usage: frx-tfjs-node [setup|verify] [options]

  setup (default)         find a TensorFlow, extract it into the user cache, build tfjs-node's binding, link, verify
  verify                  only load the installed package and check a conv gradient against the cpu backend

TensorFlow source (at most one; default: a previous set-up, else an installed TensorFlow of python3, else pip):
  --wheel <file>          a TensorFlow wheel (.whl)
  --tensorflow-dir <dir>  the tensorflow folder of a Python environment (site-packages/tensorflow)
  --pip <requirement>     pip requirement to download (default ${DEFAULT_TENSORFLOW_REQUIREMENT.cpu}; with --gpu ${DEFAULT_TENSORFLOW_REQUIREMENT.gpu})

  --gpu                   set up @tensorflow/tfjs-node-gpu (TensorFlow's CUDA build) instead
  --project <dir>         folder whose node_modules holds the package (default: current folder)
  --python <exe>          Python interpreter for pip (default python3, then python)
  --cache <dir>           cache folder (default $FRX_CACHE_DIR, $XDG_CACHE_HOME/frx or ~/.cache/frx)
  --force                 extract and build again
  --no-verify             skip the final check
  --optional              never fail: print one line and exit 0 when the native backend cannot be set up
  --json                  print the result as one JSON line
  --quiet                 no progress lines

exit codes: 0 done, 1 a step failed, 2 bad usage, 3 no TensorFlow available here (wasm stays the backend)`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        wheel: { type: 'string' },
        'tensorflow-dir': { type: 'string' },
        pip: { type: 'string' },
        gpu: { type: 'boolean' },
        project: { type: 'string' },
        python: { type: 'string' },
        cache: { type: 'string' },
        force: { type: 'boolean' },
        'no-verify': { type: 'boolean' },
        optional: { type: 'boolean' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`frx-tfjs-node: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values } = parsed;
  const positionals = parsed.positionals[0] === '--' ? parsed.positionals.slice(1) : parsed.positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const command = positionals[0] ?? 'setup';
  if (!['setup', 'verify'].includes(command) || positionals.length > 1) {
    console.error(`frx-tfjs-node: unknown command '${positionals.join(' ')}'\n\n${USAGE}`);
    return 2;
  }
  const log =
    values.quiet || values.json ? () => {} : (line: string) => console.log(`frx-tfjs-node: ${line}`);
  try {
    if (command === 'verify') {
      const pkg = findTfjsNodePackage(
        values.project ?? '.',
        values.gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node',
      );
      const verification = await verifyTfjsNode(pkg, values.project ?? '.');
      if (values.json) console.log(JSON.stringify({ ok: true, package: pkg.name, ...verification }));
      else
        log(
          `${pkg.name} works on TensorFlow ${verification.tensorflowVersion} (conv gradient within ${verification.convGradientRelativeError.toExponential(1)} of cpu)`,
        );
      return 0;
    }
    const result = await setupTfjsNode({
      wheel: values.wheel,
      tensorflowDir: values['tensorflow-dir'],
      pip: values.pip,
      gpu: values.gpu,
      project: values.project,
      python: values.python,
      cacheDir: values.cache,
      force: values.force,
      verify: !values['no-verify'],
      log,
    });
    if (values.json) console.log(JSON.stringify({ ok: true, ...result }));
    else {
      const v = result.verification;
      log(
        `${result.packageName} ${v ? `works on TensorFlow ${v.tensorflowVersion}` : 'is linked'} ` +
          `(${result.alreadyDone ? 'already set up' : `set up from ${result.source}`}, ${result.seconds.toFixed(1)} s): ` +
          "initBackend() now selects 'tensorflow'",
      );
    }
    return 0;
  } catch (error) {
    const unavailable = error instanceof NativeSetupError && error.kind === 'unavailable';
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof NativeSetupError ? error.hint : undefined;
    if (values.json) console.log(JSON.stringify({ ok: false, unavailable, message, hint }));
    if (values.optional) {
      console.log(
        `frx-tfjs-node: native TensorFlow backend not set up (${message.split('\n')[0]}); the wasm backend will be used.` +
          (hint ? ` To enable it: ${hint}` : ''),
      );
      return 0;
    }
    if (!values.json) console.error(`frx-tfjs-node: ${message}${hint ? `\n  how to fix: ${hint}` : ''}`);
    return unavailable ? 3 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
