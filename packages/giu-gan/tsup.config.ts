import { defineConfig } from 'tsup';

import { frxTsupPreset } from '../../tsup.preset';

export default defineConfig(frxTsupPreset({ index: 'src/index.ts', node: 'src/node.ts' }));
