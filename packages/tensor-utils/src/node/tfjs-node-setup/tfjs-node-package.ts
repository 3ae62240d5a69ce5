import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

import { NativeSetupError } from './native-setup-error';

/** The two native packages: the CPU build and the CUDA build (same binding sources). */
export type TfjsNodePackageName = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

/** An installed tfjs-node package, as the set-up needs it. */
export interface TfjsNodePackage {
  readonly name: TfjsNodePackageName;
  readonly version: string;
  /** Real path of the package folder. */
  readonly dir: string;
  /** Where the package loads its binding from (`lib/napi-v<n>/tfjs_binding.node`). */
  readonly bindingPath: string;
  readonly napiVersion: number;
}

/** What the set-up writes into the package folder, to know later what it linked. */
export interface SetupMarker {
  readonly tensorflowKey: string;
  readonly tensorflowVersion: string | undefined;
  readonly tensorflowEntry: string;
  readonly binding: string;
  readonly date: string;
}

export const MARKER_FILE = 'frx-native-setup.json';

/**
 * The `node_modules/<name>/package.json` that Node's lookup from `from` reaches first, walking up the
 * folders. NODE_PATH is deliberately not consulted: package managers set it for their own scripts
 * (pnpm points it at its whole store), and a package found through it is not one the project installed.
 */
function findInNodeModules(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Finds `name` as installed for the project at `project` (resolved the way the project's own code
 * resolves it), and where it loads its binding from: node-pre-gyp's `find`, which tfjs-node itself calls,
 * picks the N-API version from the package's `binary.napi_versions` and this Node.
 *
 * @throws NativeSetupError when the package is not installed there.
 */
export function findTfjsNodePackage(project: string, name: TfjsNodePackageName): TfjsNodePackage {
  const manifestPath = findInNodeModules(resolve(project), name);
  if (manifestPath === undefined) {
    throw new NativeSetupError(
      `${name} is not installed for ${resolve(project)}`,
      `Install it without its download script: \`pnpm add ${name}@4.22.0\` (pnpm runs no install script unless ` +
        `allowed) or \`npm install --ignore-scripts ${name}@4.22.0\`, then run this set-up again.`,
      'unavailable',
    );
  }
  const dir = realpathSync(dirname(manifestPath));
  const requireFromPackage = createRequire(join(dir, 'package.json'));
  const manifest = requireFromPackage('./package.json') as { version: string };
  let bindingPath: string;
  try {
    const preGyp = requireFromPackage('@mapbox/node-pre-gyp') as { find(path: string): string };
    bindingPath = resolve(preGyp.find(join(dir, 'package.json')));
  } catch (error) {
    throw new NativeSetupError(
      `Cannot tell where ${name} loads its binding from: ${(error as Error).message}`,
      `Reinstall ${name} (its dependency @mapbox/node-pre-gyp is missing).`,
    );
  }
  const napi = /napi-v(\d+)/.exec(bindingPath);
  if (!napi) {
    throw new NativeSetupError(
      `${name} loads an unexpected binding path ${bindingPath}`,
      'Use tfjs-node 4.x.',
    );
  }
  return { name, version: manifest.version, dir, bindingPath, napiVersion: Number(napi[1]) };
}

/**
 * Points the package at one TensorFlow of the cache: `deps` becomes a link to the cache entry (which holds
 * `include/` and `lib/`, the layout tfjs-node's own installer makes), and the built binding is copied to
 * where the package loads it. A `deps` folder left by tfjs-node's own installer is moved aside, not deleted.
 */
export async function linkTfjsNodePackage(
  pkg: TfjsNodePackage,
  tensorflowEntry: string,
  binding: string,
  marker: Omit<SetupMarker, 'date' | 'binding' | 'tensorflowEntry'>,
): Promise<void> {
  const deps = join(pkg.dir, 'deps');
  const stat = existsSync(deps) || isLink(deps) ? lstatSync(deps) : undefined;
  if (stat?.isSymbolicLink()) await rm(deps);
  else if (stat) await rename(deps, `${deps}.before-frx-${Date.now()}`);
  await symlink(tensorflowEntry, deps);
  await mkdir(dirname(pkg.bindingPath), { recursive: true });
  const partial = `${pkg.bindingPath}.partial-${process.pid}`;
  await copyFile(binding, partial);
  await rename(partial, pkg.bindingPath);
  const full: SetupMarker = { ...marker, tensorflowEntry, binding, date: new Date().toISOString() };
  await writeFile(join(pkg.dir, MARKER_FILE), `${JSON.stringify(full, null, 2)}\n`);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The marker of a previous set-up of `pkg`, if its files are all still in place. */
export async function readSetupMarker(pkg: TfjsNodePackage): Promise<SetupMarker | undefined> {
  const path = join(pkg.dir, MARKER_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const marker = JSON.parse(await readFile(path, 'utf8')) as SetupMarker;
    const intact =
      existsSync(pkg.bindingPath) &&
      existsSync(join(pkg.dir, 'deps', 'lib')) &&
      existsSync(marker.binding) &&
      realpathSync(join(pkg.dir, 'deps')) === realpathSync(marker.tensorflowEntry);
    return intact ? marker : undefined;
  } catch {
    return undefined;
  }
}
