/** Builds only the renderer (root src/renderer → out/renderer), for the browser tests. */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: resolve(import.meta.dirname, '../../src/renderer'),
  base: './',
  plugins: [svelte()],
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../../out/renderer'),
    emptyOutDir: true,
  },
});
