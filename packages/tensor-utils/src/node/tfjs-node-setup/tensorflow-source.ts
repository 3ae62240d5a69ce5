import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { NativeSetupError } from './native-setup-error';
import { ZipArchive } from './zip-archive';

/**
 * The two libraries of TensorFlow's Python package that export the C and eager C APIs which
 * tfjs-node's binding calls (`TF_*`, `TFE_*`), relative to the package folder. See docs/native-backend.md.
 */
export const TENSORFLOW_LIBRARIES = {
  linux: ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'],
} as const;

/** Where the headers sit inside the `tensorflow` package folder. */
const INCLUDE_DIR = 'include';

/** A TensorFlow distribution the set-up can take its library and headers from. */
export interface TensorflowDistribution {
  /** `wheel` (a `.whl` file) or `installed` (the `tensorflow` folder of a Python environment). */
  readonly kind: 'wheel' | 'installed';
  /** The wheel file or the package folder. */
  readonly location: string;
  /** Cache key: distribution name, version and a content hash, safe as a folder name. */
  readonly key: string;
  /** Version from the wheel name or the installed `.dist-info`, when known. */
  readonly version: string | undefined;
  /** Whether `path` (relative to the `tensorflow` package folder) exists. */
  has(path: string): boolean;
  /** Reads a small file (a header). */
  read(path: string): Promise<Buffer>;
  /** Places a file at `destination`: extracted from a wheel, symlinked from an installed package. */
  place(path: string, destination: string): Promise<void>;
  /** Folders of NVIDIA's CUDA/cuDNN wheels next to an installed package (`site-packages/nvidia/<x>/lib`). */
  cudaLibraryDirs(): Promise<string[]>;
}

/** SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A cache-key-safe rendering of a name: letters, digits, `.`, `_`, `-`. */
function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * Opens a TensorFlow wheel (`tensorflow-…whl`, `tensorflow_cpu-…whl`, …) and checks it holds the two
 * libraries and the C headers.
 * @throws NativeSetupError when the file is missing, not a zip, or not a TensorFlow wheel for this OS.
 */
export async function openTensorflowWheel(path: string): Promise<TensorflowDistribution> {
  const wheel = resolve(path);
  if (!existsSync(wheel)) {
    throw new NativeSetupError(
      `TensorFlow wheel ${wheel} does not exist`,
      'Pass the path of a downloaded wheel, e.g. `pip download --no-deps tensorflow-cpu==2.21.0 -d <dir>`.',
      'unavailable',
    );
  }
  const archive = await ZipArchive.open(wheel);
  const libraries = libraryNames();
  const missing = [...libraries, `${INCLUDE_DIR}/tensorflow/c/c_api.h`].filter(
    (name) => !archive.get(`tensorflow/${name}`),
  );
  if (missing.length > 0) {
    throw new NativeSetupError(
      `${wheel} is not a TensorFlow wheel with the C API for ${process.platform}: it lacks ${missing.map((m) => `tensorflow/${m}`).join(', ')}`,
      'Use a TensorFlow 2.x wheel for this platform (tensorflow-cpu or tensorflow, manylinux x86_64 or aarch64).',
      'unavailable',
    );
  }
  const digest = await sha256File(wheel);
  const name = basename(wheel).replace(/\.whl$/, '');
  const version = /^[A-Za-z0-9_.]+?-([0-9][^-]*)-/.exec(basename(wheel))?.[1];
  return {
    kind: 'wheel',
    location: wheel,
    key: safe(`${name}-${digest.slice(0, 16)}`),
    version,
    has: (p) => archive.get(`tensorflow/${p}`) !== undefined,
    read: async (p) => archive.read(archive.get(`tensorflow/${p}`)!),
    place: async (p, destination) => {
      const entry = archive.get(`tensorflow/${p}`);
      if (!entry) throw new NativeSetupError(`${wheel} has no tensorflow/${p}`, 'Use a complete wheel.');
      await archive.extract(entry, destination);
    },
    cudaLibraryDirs: () => Promise.resolve([]),
  };
}

/**
 * Opens an installed TensorFlow (the `tensorflow` package folder of a Python environment, e.g.
 * `.venv/lib/python3.11/site-packages/tensorflow`).
 * @throws NativeSetupError when the folder lacks the libraries or the C headers.
 */
export async function openInstalledTensorflow(folder: string): Promise<TensorflowDistribution> {
  const root = resolve(folder);
  const libraries = libraryNames();
  const missing = [...libraries, `${INCLUDE_DIR}/tensorflow/c/c_api.h`].filter(
    (name) => !existsSync(join(root, name)),
  );
  if (missing.length > 0) {
    throw new NativeSetupError(
      `${root} is not a TensorFlow package folder with the C API: it lacks ${missing.join(', ')}`,
      'Point --tensorflow-dir at the `tensorflow` folder inside site-packages of an environment where ' +
        '`pip install tensorflow-cpu` (or tensorflow) ran.',
      'unavailable',
    );
  }
  const sitePackages = dirname(root);
  const distInfo = existsSync(sitePackages)
    ? (await readdir(sitePackages)).find((d) => /^tensorflow(_cpu|_intel|_gpu)?-[0-9].*\.dist-info$/i.test(d))
    : undefined;
  const version = distInfo ? /-([0-9][^-]*)\.dist-info$/.exec(distInfo)?.[1] : undefined;
  // The library's content identifies the build (hashing its 800 MB takes 2-3 s; the set-up's fast path,
  // a package already linked, skips this).
  const digest = await sha256File(join(root, libraries[0]!));
  return {
    kind: 'installed',
    location: root,
    key: safe(`${distInfo?.replace(/\.dist-info$/, '') ?? 'tensorflow'}-installed-${digest.slice(0, 16)}`),
    version,
    has: (p) => existsSync(join(root, p)),
    read: (p) => readFile(join(root, p)),
    place: async (p, destination) => {
      // Libraries are linked, not copied (they are 850 MB); headers are copied so the cache entry stays
      // whole if the environment changes.
      if (libraries.includes(p)) await symlink(join(root, p), destination);
      else await copyFile(join(root, p), destination);
    },
    cudaLibraryDirs: async () => {
      const nvidia = join(sitePackages, 'nvidia');
      if (!existsSync(nvidia)) return [];
      const dirs: string[] = [];
      for (const name of (await readdir(nvidia)).sort()) {
        const lib = join(nvidia, name, 'lib');
        if (existsSync(lib) && (await stat(lib)).isDirectory()) dirs.push(lib);
      }
      return dirs;
    },
  };
}

/** The library file names of this platform, or a clear error for a platform the set-up does not support. */
export function libraryNames(): readonly string[] {
  if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')) {
    return TENSORFLOW_LIBRARIES.linux;
  }
  throw new NativeSetupError(
    `The native set-up supports Linux x86-64 and aarch64; this is ${process.platform}/${process.arch}`,
    process.platform === 'darwin' || process.platform === 'win32'
      ? "Install @tensorflow/tfjs-node normally (its own install script downloads libtensorflow for this OS), or use the 'wasm' backend."
      : "Use the 'wasm' backend (initBackend({ backend: 'wasm' })).",
    'unavailable',
  );
}

/** `#include "…"` targets of a C/C++ source. */
export function quotedIncludes(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm)) found.push(match[1]!);
  return found;
}

/**
 * The headers of `distribution` that the binding sources include, transitively: each quoted include that
 * is not a file of the binding itself is looked up under the package's `include/` folder. 15–20 files for
 * tfjs-node 4.22 on TensorFlow 2.21, instead of the wheel's 13 000 headers (270 MB).
 *
 * @param bindingSources the contents of the binding's `.cc` / `.h` files.
 * @param bindingFiles names of the binding's own files (includes of those are skipped).
 * @throws NativeSetupError naming a header that the package does not ship.
 */
export async function headerClosure(
  distribution: TensorflowDistribution,
  bindingSources: readonly string[],
  bindingFiles: ReadonlySet<string>,
): Promise<string[]> {
  const todo = bindingSources.flatMap(quotedIncludes).filter((h) => !bindingFiles.has(basename(h)));
  const seen = new Set<string>();
  while (todo.length > 0) {
    const header = todo.pop()!;
    if (seen.has(header)) continue;
    if (header.split('/').includes('..')) {
      throw new NativeSetupError(
        `header path ${header} leaves the include folder`,
        'Use an unmodified wheel.',
      );
    }
    const path = `${INCLUDE_DIR}/${header}`;
    if (!distribution.has(path)) {
      throw new NativeSetupError(
        `${distribution.location} does not ship the header ${header} that tfjs-node's binding needs`,
        'Use a TensorFlow 2.x package that ships its C headers (tensorflow/include/…).',
      );
    }
    seen.add(header);
    todo.push(...quotedIncludes((await distribution.read(path)).toString('utf8')));
  }
  return [...seen].sort();
}

/** Creates the folders of `path`. */
export async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}
