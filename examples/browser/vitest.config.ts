import { defineConfig } from 'vitest/config';

// Runs against the packages' built `dist` (as a user's app would), in real Chromium: `pnpm test:browser`.
export default defineConfig({
  test: {
    name: '@frx/example-browser',
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
