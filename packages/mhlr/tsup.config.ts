import { defineConfig } from 'tsup';

import { frxTsupPreset } from '../../tsup.preset';

// `cli` is the Node-only `mhlr-plot` bin; the library entry stays browser-safe.
export default defineConfig(frxTsupPreset({ index: 'src/index.ts', cli: 'src/cli/mhlr-plot.ts' }));
