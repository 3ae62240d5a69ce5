import { defineConfig } from 'tsup';

import { frxTsupPreset } from '../../tsup.preset';

// `image-decode-worker` is not an export: it is the script createWorkerBatchDecoder starts in worker threads,
// located next to dist/node.{js,cjs} at run time.
export default defineConfig(
  frxTsupPreset({
    index: 'src/index.ts',
    node: 'src/node.ts',
    'image-decode-worker': 'src/streaming/image-decode-worker.ts',
  }),
);
