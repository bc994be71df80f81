// Bundles the headless daemon into dist/cli.js so `tunecamp-share` starts without a TypeScript loader,
// and the tag-parsing worker into dist/parse-worker.js, which the daemon starts from beside itself.
import { build } from 'esbuild';

await build({
  entryPoints: {
    cli: 'src/main/cli/index.ts',
    'parse-worker': 'src/main/core/library/parse-worker.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
