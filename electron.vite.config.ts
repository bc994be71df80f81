import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { viteMusicMetadataPatch } from './scripts/music-metadata-patch.mjs';
import { viteRoomPage } from './scripts/room-page.mjs';

export default defineConfig({
  main: {
    // music-metadata is bundled (not loaded from node_modules) so its patch applies; see that file.
    // viteRoomPage: the listening room's page script, out/main/room-page.js (rooms/page-script.ts).
    plugins: [viteMusicMetadataPatch(), viteRoomPage()],
    build: {
      // Node of the oldest Electron the app runs on (33: Node 20), whichever electron is installed.
      target: 'node20',
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
      target: 'node20',
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
      // Chromium of Electron 33, the oldest the app is tested on.
      target: 'chrome130',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
