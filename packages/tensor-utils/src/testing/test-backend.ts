/** Backends a test leg can run on. */
export type TestBackend = 'tensorflow' | 'wasm' | 'cpu';

const TEST_BACKENDS: readonly TestBackend[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * The backend this test run uses, from the `FRX_TEST_BACKEND` environment variable (`tensorflow`,
 * `wasm` or `cpu`; default `wasm`, which loads everywhere). The repository's `pnpm test` runs the
 * whole suite once per leg (`tensorflow` where the native backend is set up, and `wasm`); tests pass
 * it to `initBackend({ backend: testBackend() })`, so a leg fails loudly when its backend cannot load
 * instead of silently testing another one. Tests of wasm-only kernels name `'wasm'` themselves.
 *
 * @throws TypeError when `FRX_TEST_BACKEND` holds another value.
 */
export function testBackend(): TestBackend {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.FRX_TEST_BACKEND;
  if (value === undefined || value === '') return 'wasm';
  if (!(TEST_BACKENDS as readonly string[]).includes(value)) {
    throw new TypeError(
      `FRX_TEST_BACKEND='${value}' is not a test backend (expected one of ${TEST_BACKENDS.join(', ')})`,
    );
  }
  return value as TestBackend;
}
