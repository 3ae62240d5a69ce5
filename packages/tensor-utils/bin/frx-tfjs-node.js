#!/usr/bin/env node
// The `frx-tfjs-node` command (src/cli/frx-tfjs-node.ts, built to dist/). A committed launcher, so that
// package managers can link the command before the package is built in a workspace.
import('../dist/cli/frx-tfjs-node.js').catch((error) => {
  console.error(
    `frx-tfjs-node: cannot load ${new URL('../dist/cli/frx-tfjs-node.js', import.meta.url).pathname} ` +
      `(${error instanceof Error ? error.message : String(error)}); in the @frx repository, run pnpm build first.`,
  );
  process.exitCode = 1;
});
