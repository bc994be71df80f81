import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { viteMusicMetadataPatch } from './scripts/music-metadata-patch.mjs';

export default defineConfig({
  main: {
    // music-metadata is bundled (not loaded from node_modules) so its patch applies; see that file.
    plugins: [viteMusicMetadataPatch()],
    build: {
      externalizeDeps: { exclude: ['music-metadata'] },
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // Tag parsing runs on worker threads started from out/main/parse-worker.js (parse-pool.ts).
          'parse-worker': resolve('src/main/core/library/parse-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [svelte()],
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
