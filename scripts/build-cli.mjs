// Bundles the headless daemon into dist/cli.js so `tunecamp-share` starts without a TypeScript loader.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main/cli/index.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
