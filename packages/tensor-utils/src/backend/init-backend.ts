import * as tf from '@tensorflow/tfjs-core';

import { registerGradientSources } from './register-gradients';
import { installTensorflowConvFixes } from './tensorflow-conv-fixes';
import { registerWasmTrainingKernels } from './wasm-training-kernels';
import { FrxError, frxErrorBrand } from '../errors/frx-error';

/** Backends {@link initBackend} can select. */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Which backend to use. Default `'auto'`: the native `tensorflow` backend when
   * `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` can be imported, else `wasm` (with the
   * training kernels of {@link registerWasmTrainingKernels}), else `cpu`.
   * Any other value than `'auto'` is a requirement: if it cannot be loaded, `initBackend` throws.
   */
  backend?: BackendChoice;
}

const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
const OPTION_KEYS = new Set(['backend']);

/** Native packages tried, in order, for the `tensorflow` backend: the GPU build first. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** Thrown when a requested backend cannot be loaded; `causes` holds each underlying failure. */
export class BackendUnavailableError extends FrxError {
  static override readonly brand: symbol = frxErrorBrand('BackendUnavailableError');
  override readonly name: string = 'BackendUnavailableError';
  constructor(
    readonly backend: Exclude<BackendChoice, 'auto'>,
    message: string,
    readonly causes: readonly unknown[] = [],
  ) {
    super(message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

// A variable specifier keeps bundlers and TypeScript from resolving an optional package that is
// normally not installed.
export async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

async function loadTensorflow(): Promise<void> {
  // An application that imported tfjs-node(-gpu) itself has already registered the backend.
  if (tf.findBackendFactory('tensorflow')) {
    if (!(await tf.setBackend('tensorflow'))) {
      throw new BackendUnavailableError('tensorflow', 'The tensorflow backend failed to start');
    }
    installTensorflowConvFixes();
    return;
  }
  const failures: unknown[] = [];
  for (const name of NATIVE_PACKAGES) {
    try {
      await importOptional(name);
      // Importing either package registers the `tensorflow` backend on the tfjs-core it resolved.
      // If that was another copy of tfjs-core than ours, our registry will not have it.
      if (!tf.findBackendFactory('tensorflow')) {
        throw new Error(
          `${name} was imported but registered its backend on another copy of @tensorflow/tfjs-core; ` +
            'make sure the application resolves a single @tensorflow/tfjs-core',
        );
      }
      if (!(await tf.setBackend('tensorflow')))
        throw new Error(`${name}: the tensorflow backend failed to start`);
      installTensorflowConvFixes();
      return;
    } catch (error) {
      failures.push(error);
    }
  }
  throw new BackendUnavailableError(
    'tensorflow',
    "The tensorflow backend needs @tensorflow/tfjs-node (or -gpu) installed and set up on TensorFlow's library " +
      '(`npx frx-tfjs-node setup`, see docs/native-backend.md): ' +
      NATIVE_PACKAGES.map((name, i) => `${name}: ${describe(failures[i])}`).join('; '),
    failures,
  );
}

async function loadWasm(): Promise<void> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new BackendUnavailableError(
      'wasm',
      `The wasm backend needs @tensorflow/tfjs-backend-wasm installed next to @tensorflow/tfjs-core: ${describe(error)}`,
      [error],
    );
  }
  registerWasmTrainingKernels();
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch (error) {
    throw new BackendUnavailableError('wasm', `The wasm backend failed to start: ${describe(error)}`, [
      error,
    ]);
  }
  if (!ok)
    throw new BackendUnavailableError(
      'wasm',
      'The wasm backend failed to start (its .wasm binary did not load)',
    );
}

async function loadCpu(): Promise<void> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
  } catch (error) {
    throw new BackendUnavailableError(
      'cpu',
      `The cpu backend needs @tensorflow/tfjs-backend-cpu installed next to @tensorflow/tfjs-core: ${describe(error)}`,
      [error],
    );
  }
  if (!(await tf.setBackend('cpu')))
    throw new BackendUnavailableError('cpu', 'The cpu backend failed to start');
  // Whoever asked for `cpu` chose it: silence the one-time "install tfjs-node" banner that the cpu
  // backend prints on its first tensor under Node.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

/**
 * Makes sure tfjs-core's gradient functions are registered, which training needs and tfjs-core alone
 * does not do: its `register_all_gradients` module is ESM written for bundlers (extensionless
 * imports) and cannot be imported by Node. The CommonJS build of `@tensorflow/tfjs-layers` registers
 * all of them in the global registry that every tfjs-core copy shares, so it is tried first; a bundler
 * resolves the tfjs-core module instead.
 *
 * Called by {@link initBackend}; call it yourself only if you set the backend another way.
 *
 * @throws Error when neither source is available.
 */
export async function ensureGradientsRegistered(): Promise<void> {
  const { registered, failures } = await registerGradientSources();
  if (registered) return;
  throw new Error(
    'No tfjs gradient functions are registered, so nothing can be trained. Install @tensorflow/tfjs-layers ' +
      `(its CommonJS build registers them) or import '@tensorflow/tfjs-core/dist/register_all_gradients' in a bundled app. (${failures.join('; ')})`,
  );
}

/**
 * Selects and initialises the TensorFlow.js backend for training, and returns its name.
 *
 * - `'tensorflow'`: native TensorFlow through `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`,
 *   5-10x faster than wasm on CPU. Neither is a dependency of @frx: install one (without its download
 *   script) and run `frx-tfjs-node setup` (`@frx/tensor-utils/node`), which builds it on TensorFlow's wheel.
 * - `'wasm'`: `@tensorflow/tfjs-backend-wasm`, with the kernels training needs that it lacks
 *   registered by {@link registerWasmTrainingKernels}. The default wherever no native backend is installed.
 * - `'cpu'`: pure JavaScript, about 40x slower than wasm: tiny models and kernel tests only.
 * - `'auto'` (default): the first of `tensorflow`, `wasm`, `cpu` that loads.
 *
 * It also registers tfjs' gradient functions ({@link ensureGradientsRegistered}). Applications call
 * it once at their entry point; libraries never pick a backend.
 *
 * @param options see {@link InitBackendOptions}.
 * @returns the name of the active backend (`'tensorflow'`, `'wasm'` or `'cpu'`).
 * @throws BackendUnavailableError when an explicitly requested backend cannot be loaded (never a
 *   silent fallback), and `TypeError` on an unknown option or backend name.
 *
 * @example
 * import { initBackend } from '@frx/tensor-utils';
 * const backend = await initBackend(); // 'wasm' on a machine without tfjs-node
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<string> {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`initBackend: unknown option '${key}'`);
  }
  const choice = options.backend ?? 'auto';
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new TypeError(
      `initBackend: unknown backend '${String(choice)}' (expected one of ${BACKEND_CHOICES.join(', ')})`,
    );
  }
  const failures: string[] = [];
  if (choice === 'tensorflow') await loadTensorflow();
  else if (choice === 'wasm') await loadWasm();
  else if (choice === 'cpu') await loadCpu();
  else {
    let loaded = false;
    for (const load of [loadTensorflow, loadWasm, loadCpu]) {
      try {
        await load();
        loaded = true;
        break;
      } catch (error) {
        failures.push(describe(error));
      }
    }
    if (!loaded) throw new Error(`initBackend: no backend could be loaded: ${failures.join(' | ')}`);
  }
  await tf.ready();
  await ensureGradientsRegistered();
  const backend = tf.getBackend();
  lastSelection = { backend, requested: choice, reason: selectionReason(backend, choice, failures) };
  return backend;
}

/** What the last {@link initBackend} call selected, and why. */
export interface BackendSelection {
  /** The active backend: `'tensorflow'`, `'wasm'` or `'cpu'`. */
  readonly backend: string;
  /** What was asked for. */
  readonly requested: BackendChoice;
  /** One line: the TensorFlow version for `tensorflow`, or why `auto` passed over the faster backends. */
  readonly reason: string;
}

let lastSelection: BackendSelection | undefined;

function selectionReason(backend: string, choice: BackendChoice, failures: readonly string[]): string {
  let detail = '';
  if (backend === 'tensorflow') {
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    detail = `native TensorFlow ${binding?.TF_Version ?? '(version unknown)'}`;
  } else if (backend === 'wasm') detail = 'WebAssembly, one thread, with the @frx training kernels';
  else detail = 'pure JavaScript';
  if (choice !== 'auto') return `${detail}; asked for '${choice}'`;
  return failures.length === 0
    ? `${detail}; the fastest available`
    : `${detail}; not available: ${failures.join(' | ')}`;
}

/**
 * What the last {@link initBackend} selected and why, for applications to print
 * (`backend: wasm (WebAssembly, …; not available: …)`), or `undefined` before the first call.
 *
 * @example
 * await initBackend();
 * console.log(`backend: ${backendSelection()?.backend} (${backendSelection()?.reason})`);
 */
export function backendSelection(): BackendSelection | undefined {
  return lastSelection;
}
