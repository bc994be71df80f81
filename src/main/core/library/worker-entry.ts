import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Where the parse worker lives relative to the module that starts it: beside the bundle
 * (dist/parse-worker.js next to dist/cli.js, out/main/parse-worker.js next to out/main/index.js),
 * or the TypeScript source beside this file when the sources run directly (vitest).
 */
export function parseWorkerFile(moduleUrl: string): URL {
  return new URL(moduleUrl.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js', moduleUrl);
}

/**
 * Start a worker thread on `file`. A `.ts` file goes through tsx: `execArgv: ['--import', 'tsx']`
 * does not reach a worker's entry module on Node 20 ("Unknown file extension"), so a tiny bootstrap
 * registers tsx's loader in the thread first, then imports the file. Throws if the thread cannot be
 * created; a file that fails to load surfaces as the worker's 'error' event.
 */
export function startWorker(file: URL, workerData: unknown): Worker {
  // execArgv []: the parent's flags (an inspector port, Electron's switches) are not for this thread.
  // A small young generation: a parse's garbage dies within a file, and V8's default (up to 48 MiB
  // per thread) only sat in RSS. Not an old-space limit, so no file can run a thread out of memory.
  const options = { workerData, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 8 } };
  if (!file.pathname.endsWith('.ts')) return new Worker(file, options);
  // tsx's ESM API (its CommonJS twin, which `require.resolve` finds, fails when imported on Node 20).
  const api = createRequire(file)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const tsx = pathToFileURL(api).href;
  const code =
    `import(${JSON.stringify(tsx)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}
