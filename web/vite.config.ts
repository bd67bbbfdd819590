import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The workspace is built into the package (dist/web) and served by every node at `/`: nothing loads from
// another origin, so the build inlines no remote asset and the map's data ships as a lazily loaded chunk.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // A CSP without inline script: no inlined module-preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    // The node reads it to preload a page's own screen chunk beside the entry script.
    manifest: true,
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:7410', ws: true } },
  },
});
