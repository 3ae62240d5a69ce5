import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

import { buildBinding } from './build-binding';
import { frxCacheDir } from './cache-dir';
import { NativeSetupError } from './native-setup-error';
import { findInstalledTensorflow, findPython, pipDownloadWheel } from './python';
import {
  headerClosure,
  libraryNames,
  openInstalledTensorflow,
  openTensorflowWheel,
  type TensorflowDistribution,
} from './tensorflow-source';
import {
  findTfjsNodePackage,
  linkTfjsNodePackage,
  readSetupMarker,
  type TfjsNodePackage,
  type TfjsNodePackageName,
} from './tfjs-node-package';
import { verifyTfjsNode, type TfjsNodeVerification } from './verify-tfjs-node';

/**
 * The pip requirements fetched when no other source is given: the TensorFlow this set-up is tested with
 * (2.21.0, whose C API tfjs-node 4.22's binding builds against unchanged). The Linux x86-64 `tensorflow`
 * wheel is TensorFlow's CUDA 12 build; `tensorflow-cpu` is the same library without CUDA.
 */
export const DEFAULT_TENSORFLOW_REQUIREMENT = {
  cpu: 'tensorflow-cpu==2.21.0',
  gpu: 'tensorflow==2.21.0',
} as const;

/** Options of {@link setupTfjsNode}. Give at most one of `wheel`, `tensorflowDir`, `pip`. */
export interface SetupTfjsNodeOptions {
  /**
   * The folder whose `node_modules` holds `@tensorflow/tfjs-node(-gpu)` (the package is found the way that
   * folder's code resolves it). Default: the current directory.
   */
  project?: string;
  /** Set up `@tensorflow/tfjs-node-gpu` (TensorFlow's CUDA build) instead of `@tensorflow/tfjs-node`. Default `false`. */
  gpu?: boolean;
  /** A TensorFlow wheel file (`.whl`). */
  wheel?: string;
  /** The `tensorflow` package folder of a Python environment (`…/site-packages/tensorflow`). */
  tensorflowDir?: string;
  /** A pip requirement to download with the user's pip configuration. Default {@link DEFAULT_TENSORFLOW_REQUIREMENT}. */
  pip?: string;
  /** Python interpreter for pip and for finding an installed TensorFlow. Default: `python3`, then `python`. */
  python?: string;
  /** Cache folder. Default {@link frxCacheDir}. */
  cacheDir?: string;
  /** Extract and build again even if the cache has them. Default `false`. */
  force?: boolean;
  /** Load the package in a child process and check a conv gradient against the cpu backend. Default `true`. */
  verify?: boolean;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/** What {@link setupTfjsNode} did. */
export interface SetupTfjsNodeResult {
  readonly packageName: TfjsNodePackageName;
  readonly packageDir: string;
  /** Where the TensorFlow came from: `cache`, `wheel`, `installed` or `pip`. */
  readonly source: 'cache' | 'wheel' | 'installed' | 'pip';
  /** The wheel file or package folder it was taken from. */
  readonly location: string;
  /** Cache entry (`include/`, `lib/`) the package now links to. */
  readonly tensorflowEntry: string;
  readonly binding: string;
  /** `true` when everything was already in place and nothing was extracted, built or linked. */
  readonly alreadyDone: boolean;
  readonly verification: TfjsNodeVerification | undefined;
  readonly seconds: number;
}

const SETUP_OPTION_KEYS = new Set([
  'project',
  'gpu',
  'wheel',
  'tensorflowDir',
  'pip',
  'python',
  'cacheDir',
  'force',
  'verify',
  'log',
]);

/** Describes one cache entry: `manifest.json` beside `include/` and `lib/`. */
interface EntryManifest {
  readonly key: string;
  readonly kind: 'wheel' | 'installed';
  readonly location: string;
  readonly version: string | undefined;
  readonly headers: readonly string[];
  readonly libraries: readonly string[];
}

/**
 * Makes `@tensorflow/tfjs-node` (or `-gpu`) work on TensorFlow's own library, taken from its Python
 * wheel, so the `tensorflow` backend runs where tfjs-node's installer (which downloads libtensorflow 2.9.1)
 * cannot or should not run. Steps, each skipped when already done:
 *
 * 1. find a TensorFlow: `wheel`, `tensorflowDir` or `pip` if given; else a previous set-up's cache entry for
 *    the default requirement; else an installed TensorFlow of `python`; else `pip download` of the default
 *    requirement;
 * 2. extract its two libraries and the C headers the binding includes into the user cache, once per wheel
 *    (keyed by name and SHA-256);
 * 3. build tfjs-node's binding against them with npm's node-gyp and Node's headers (cached too);
 * 4. link the cache entry and the binding into the installed package;
 * 5. verify in a child process (TensorFlow's version; a conv2d gradient equal to the cpu backend's).
 *
 * Details and the facts it relies on: docs/native-backend.md.
 *
 * @throws NativeSetupError (`kind: 'unavailable'` when no TensorFlow can be had at all, else `'failed'`)
 *   with a message naming what is missing and a `hint` saying how to get it; `TypeError` on an unknown option.
 */
export async function setupTfjsNode(options: SetupTfjsNodeOptions = {}): Promise<SetupTfjsNodeResult> {
  for (const key of Object.keys(options)) {
    if (!SETUP_OPTION_KEYS.has(key)) throw new TypeError(`setupTfjsNode: unknown option '${key}'`);
  }
  const sources = [options.wheel, options.tensorflowDir, options.pip].filter((s) => s !== undefined);
  if (sources.length > 1) throw new TypeError('setupTfjsNode: give at most one of wheel, tensorflowDir, pip');
  const started = Date.now();
  const log = options.log ?? (() => {});
  const project = resolve(options.project ?? '.');
  const cacheDir = frxCacheDir(options.cacheDir);
  const force = options.force ?? false;
  libraryNames(); // unsupported platforms stop here, with their own message
  const pkg = findTfjsNodePackage(
    project,
    options.gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node',
  );
  const requirement = options.pip ?? DEFAULT_TENSORFLOW_REQUIREMENT[options.gpu ? 'gpu' : 'cpu'];
  const pipIndex = join(cacheDir, 'tensorflow', 'pip-requirements.json');

  // Fast path: the package is linked to a complete cache entry of the requested source.
  const marker = force ? undefined : await readSetupMarker(pkg);
  if (marker && sources.length === 0) {
    const indexed = (await readJson<Record<string, string>>(pipIndex)) ?? {};
    const wanted = indexed[requirement];
    if (wanted === undefined || wanted === marker.tensorflowKey) {
      log(
        `${pkg.name} is already set up on TensorFlow ${marker.tensorflowVersion ?? '?'} (${marker.tensorflowEntry})`,
      );
      const verification = options.verify === false ? undefined : await verifyTfjsNode(pkg, project);
      return {
        packageName: pkg.name,
        packageDir: pkg.dir,
        source: 'cache',
        location: marker.tensorflowEntry,
        tensorflowEntry: marker.tensorflowEntry,
        binding: marker.binding,
        alreadyDone: true,
        verification,
        seconds: (Date.now() - started) / 1000,
      };
    }
  }

  let entry: string | undefined;
  let source: SetupTfjsNodeResult['source'];
  let location: string;
  let manifest: EntryManifest;
  let cudaDirs: string[] = [];
  const cachedForPip =
    options.wheel === undefined && options.tensorflowDir === undefined && !force
      ? (await readJson<Record<string, string>>(pipIndex))?.[requirement]
      : undefined;
  const cachedManifest = cachedForPip
    ? await readJson<EntryManifest>(join(cacheDir, 'tensorflow', cachedForPip, 'manifest.json'))
    : undefined;
  if (cachedManifest && options.tensorflowDir === undefined) {
    entry = join(cacheDir, 'tensorflow', cachedManifest.key);
    source = 'cache';
    location = cachedManifest.location;
    manifest = cachedManifest;
    log(`TensorFlow: cached ${entry} (${requirement})`);
  } else {
    let distribution: TensorflowDistribution;
    if (options.wheel !== undefined) {
      distribution = await openTensorflowWheel(options.wheel);
      source = 'wheel';
    } else if (options.tensorflowDir !== undefined) {
      distribution = await openInstalledTensorflow(options.tensorflowDir);
      source = 'installed';
    } else {
      const python = await findPython(options.python);
      const installed = python && !options.pip ? await findInstalledTensorflow(python) : undefined;
      if (installed) {
        log(`TensorFlow: installed in ${python}'s environment at ${installed}`);
        distribution = await openInstalledTensorflow(installed);
        source = 'installed';
      } else {
        if (!python) {
          throw new NativeSetupError(
            'No TensorFlow found: no wheel or folder was given, and no Python with pip is on PATH to fetch one',
            'Install Python 3 with pip, or download a TensorFlow wheel elsewhere and pass --wheel <file>.',
            'unavailable',
          );
        }
        const wheels = join(cacheDir, 'wheels');
        await mkdir(wheels, { recursive: true });
        const wheel = await pipDownloadWheel(python, requirement, wheels, log);
        try {
          distribution = await openTensorflowWheel(wheel);
        } catch (error) {
          await rm(wheel, { force: true });
          throw error;
        }
        source = 'pip';
      }
    }
    location = distribution.location;
    ({ entry, manifest } = await extractEntry(distribution, pkg, cacheDir, force, log));
    if (source === 'pip') {
      // The extracted entry is what is kept; the 270 MB wheel is not needed again.
      await rm(distribution.location, { force: true });
      const index = (await readJson<Record<string, string>>(pipIndex)) ?? {};
      await writeJsonAtomic(pipIndex, { ...index, [requirement]: distribution.key });
    }
    if (options.gpu) cudaDirs = await distribution.cudaLibraryDirs();
  }

  const binding = await buildBinding({
    packageDir: pkg.dir,
    packageName: pkg.name,
    packageVersion: pkg.version,
    tensorflowEntry: entry,
    tensorflowKey: manifest.key,
    napiVersion: pkg.napiVersion,
    extraRunPaths: cudaDirs,
    cacheDir,
    force,
    log,
  });
  await linkTfjsNodePackage(pkg, entry, binding, {
    tensorflowKey: manifest.key,
    tensorflowVersion: manifest.version,
  });
  log(`linked ${pkg.dir} to ${entry}`);
  const verification = options.verify === false ? undefined : await verifyTfjsNode(pkg, project);
  return {
    packageName: pkg.name,
    packageDir: pkg.dir,
    source,
    location,
    tensorflowEntry: entry,
    binding,
    alreadyDone: false,
    verification,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Extracts (or, for an installed package, links) the libraries and the header closure of the binding into
 * `<cache>/tensorflow/<key>/`, written under a temporary name and renamed when complete.
 */
async function extractEntry(
  distribution: TensorflowDistribution,
  pkg: TfjsNodePackage,
  cacheDir: string,
  force: boolean,
  log: (line: string) => void,
): Promise<{ entry: string; manifest: EntryManifest }> {
  const entry = join(cacheDir, 'tensorflow', distribution.key);
  const existing = await readJson<EntryManifest>(join(entry, 'manifest.json'));
  if (existing && !force) {
    log(`TensorFlow: cached ${entry}`);
    return { entry, manifest: existing };
  }
  const bindingDir = join(pkg.dir, 'binding');
  const files = (await readdir(bindingDir)).filter((f) => /\.(cc|h)$/.test(f));
  const sources = await Promise.all(files.map((f) => readFile(join(bindingDir, f), 'utf8')));
  const headers = await headerClosure(distribution, sources, new Set(files));
  const partial = `${entry}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(join(partial, 'lib'), { recursive: true });
  const libraries = libraryNames();
  log(
    `TensorFlow: ${distribution.kind === 'wheel' ? 'extracting' : 'linking'} ${libraries.join(', ')} and ${headers.length} headers from ${basename(distribution.location)}`,
  );
  const started = Date.now();
  try {
    for (const header of headers) {
      const destination = join(partial, 'include', header);
      await mkdir(join(destination, '..'), { recursive: true });
      await distribution.place(`include/${header}`, destination);
    }
    for (const library of libraries) await distribution.place(library, join(partial, 'lib', library));
    // The binding links `-ltensorflow -ltensorflow_framework`; the loader then asks for the SONAMEs
    // (libtensorflow_cc.so.2, libtensorflow_framework.so.2), which are the files themselves.
    await symlink(libraries[0]!, join(partial, 'lib', 'libtensorflow.so'));
    await symlink(libraries[1]!, join(partial, 'lib', 'libtensorflow_framework.so'));
    const manifest: EntryManifest = {
      key: distribution.key,
      kind: distribution.kind,
      location: distribution.location,
      version: distribution.version,
      headers,
      libraries: [...libraries],
    };
    await writeFile(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(entry, { recursive: true, force: true });
    await rename(partial, entry);
    log(`TensorFlow: ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${entry}`);
    return { entry, manifest };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    if (!existsSync(path) || !(await stat(path)).isFile()) return undefined;
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const partial = `${path}.partial-${process.pid}`;
  await writeFile(partial, `${JSON.stringify(value, null, 2)}\n`);
  await rename(partial, path);
}
