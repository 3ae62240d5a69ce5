import { defineConfig } from 'tsup';

import { frxTsupPreset } from '../../tsup.preset';

// One output module per source module (code splitting over every source file), so that a bundle importing
// one margin function does not pull MarginHead, and with it all of tfjs-layers (`sideEffects: false`).
export default defineConfig(
  frxTsupPreset({ index: 'src/index.ts' }, { entry: ['src/**/*.ts', '!src/**/*.test.ts'], splitting: true }),
);
