import { defineConfig } from 'tsup';

import { frxTsupPreset } from '../../tsup.preset';

export default defineConfig([
  frxTsupPreset({ index: 'src/index.ts', testing: 'src/testing.ts', node: 'src/node.ts' }),
  // The `frx-tfjs-node` bin: ESM only (top-level await), no declarations, beside the library build.
  frxTsupPreset(
    { 'cli/frx-tfjs-node': 'src/cli/frx-tfjs-node.ts' },
    { format: ['esm'], dts: false, clean: false },
  ),
]);
