import { defineConfig } from 'vitest/config';

// Runs every package's tests from the root (`pnpm vitest`), e.g. in an editor. CI uses `pnpm test`.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
  },
});
