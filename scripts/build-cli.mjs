// Bundles the headless daemon into dist/cli.js so `tunecamp-share` starts without a TypeScript loader,
// and the tag-parsing worker into dist/parse-worker.js, which the daemon starts from beside itself.
import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import { esbuildMusicMetadataPatch } from './music-metadata-patch.mjs';
import { buildRoomPage } from './room-page.mjs';

const common = {
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
};

await build({ ...common, entryPoints: { cli: 'src/main/cli/index.ts' }, packages: 'external' });

// The worker bundles its parsing dependencies so the music-metadata patch (see that file) applies.
// Some of them are CommonJS and call require(): give the ES module bundle a real one.
await build({
  ...common,
  entryPoints: { 'parse-worker': 'src/main/core/library/parse-worker.ts' },
  plugins: [esbuildMusicMetadataPatch()],
  banner: {
    js: "import { createRequire as __tcsCreateRequire } from 'node:module'; const require = __tcsCreateRequire(import.meta.url);",
  },
});

// The listening room's listener page, served by the LAN server from beside the daemon.
await writeFile('dist/room-page.js', await buildRoomPage());
