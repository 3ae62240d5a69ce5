import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { NativeSetupError } from './native-setup-error';
import { runCommand, tail } from './run-command';

/** The interpreters tried, in order, when none is given. */
const PYTHONS = ['python3', 'python'];

/**
 * The first Python interpreter that runs `-m pip --version`, or `undefined`.
 * @param preferred an interpreter named by the user (then only that one is tried).
 */
export async function findPython(preferred?: string): Promise<string | undefined> {
  for (const python of preferred ? [preferred] : PYTHONS) {
    const result = await runCommand(python, ['-m', 'pip', '--version'], { timeoutMs: 30_000 });
    if (result.code === 0) return python;
  }
  return undefined;
}

/**
 * The `tensorflow` package folder of `python`'s environment, found without importing TensorFlow (which
 * takes seconds and prints warnings), or `undefined` when it has none.
 */
export async function findInstalledTensorflow(python: string): Promise<string | undefined> {
  const script =
    'import importlib.util as u\n' +
    "s = u.find_spec('tensorflow')\n" +
    "print(s.submodule_search_locations[0] if s and s.submodule_search_locations else '')";
  const result = await runCommand(python, ['-c', script], { timeoutMs: 30_000 });
  const folder = result.code === 0 ? result.stdout.trim() : '';
  return folder !== '' && existsSync(folder) ? folder : undefined;
}

/**
 * Downloads the wheel of `requirement` (e.g. `tensorflow-cpu==2.21.0`) for this interpreter and platform
 * into `directory`, with the user's own pip configuration (index, proxy, certificates), and returns its
 * path. `--no-deps`: only the library is needed, none of TensorFlow's Python dependencies.
 *
 * @throws NativeSetupError of kind `unavailable` when pip cannot get it (no index reachable, no wheel for
 *   this platform or Python).
 */
export async function pipDownloadWheel(
  python: string,
  requirement: string,
  directory: string,
  log: (line: string) => void,
): Promise<string> {
  const work = await mkdtemp(join(directory, 'pip-'));
  try {
    const retries = process.env.FRX_PIP_RETRIES ?? '0';
    log(`pip download --no-deps ${requirement} (with ${python}'s pip configuration)`);
    const result = await runCommand(
      python,
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--only-binary=:all:',
        '--retries',
        retries,
        '--dest',
        work,
        requirement,
      ],
      { timeoutMs: 30 * 60_000 },
    );
    const wheels = existsSync(work) ? (await readdir(work)).filter((f) => f.endsWith('.whl')) : [];
    if (result.code !== 0 || wheels.length !== 1) {
      throw new NativeSetupError(
        `pip could not download ${requirement}: ${tail(result.stderr || result.stdout, 4) || result.error?.message || 'no wheel'}`,
        `Download a TensorFlow wheel for this platform by hand and pass it with --wheel <file>, or point ` +
          `--tensorflow-dir at an installed TensorFlow (pip install ${requirement}).`,
        'unavailable',
      );
    }
    const target = join(directory, wheels[0]!);
    await rename(join(work, wheels[0]!), target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
