import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs: the same build is served from the Electron custom scheme and the browser-mode host.
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Monaco alone is several MB; the warning would fire on every build and say nothing new.
    chunkSizeWarningLimit: 100_000,
    sourcemap: false,
  },
  // Classic workers load under the strictest worker-src and in every Chromium we ship to.
  worker: { format: 'iife' },
  server: { host: '127.0.0.1' },
});
