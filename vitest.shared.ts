import { fileURLToPath } from 'node:url';

import { defineConfig, type ViteUserConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

/**
 * Shared vitest settings for every package. `forks` (not threads): native tfjs addons and the wasm
 * backend's global state must not be shared between test files (tfjs-notes.md §1.1). Each package
 * also writes a JSON report that `scripts/test-summary.mjs` adds up into the closing line.
 *
 * Sibling `@frx/*` packages resolve to their TypeScript sources, so a package's tests always run
 * against the current code of its dependencies, built or not.
 */
export function frxVitestProject(name: string, overrides: NonNullable<ViteUserConfig['test']> = {}) {
  return defineConfig({
    resolve: {
      alias: [
        { find: /^@frx\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
        { find: /^@frx\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/$2.ts` },
      ],
    },
    test: {
      name,
      pool: 'forks',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      reporters: [
        'default',
        ['json', { outputFile: `.test-results/vitest-${process.env.FRX_TEST_BACKEND || 'wasm'}.json` }],
      ],
      ...overrides,
    },
  });
}
