import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        gradients: fileURLToPath(new URL('./gradients.html', import.meta.url)),
      },
    },
  },
  // The wasm binaries come through `?url` imports (src/main.ts); tfjs' CDN fallback is never used.
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
});
