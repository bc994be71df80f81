/**
 * Builds only the renderer (root src/renderer), for the browser tests. They pass `--outDir` with a
 * private temp folder (test/e2e/ui-helpers.ts buildRendererInto); out/renderer is only the default.
 */
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
