// Builds the listening room's listener page script (src/room-page/listener.ts) into one browser
// file: dist/room-page.js for the daemon (build-cli.mjs), out/main/room-page.js for the app (the
// vite plugin below), and in memory when running from sources (rooms/page-script.ts).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../src/room-page/listener.ts', import.meta.url));

/** The page's script as text. */
export async function buildRoomPage() {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome110',
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

/** electron-vite (main): emits room-page.js beside index.js. */
export function viteRoomPage() {
  return {
    name: 'tunecamp-room-page',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'room-page.js', source: await buildRoomPage() });
    },
  };
}
