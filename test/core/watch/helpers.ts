import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  RootChanges,
  RootWatcher,
  WatchMode,
} from '../../../src/main/core/watch/root-watcher';

/** Polls `cond` every 25 ms until it holds; throws after `timeoutMs` with `what` in the message. */
export async function waitFor(
  cond: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh temp dir (realpath'd: /tmp may be a symlink) and its cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tc-watch-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Records everything a watcher emits. */
export function record(w: RootWatcher) {
  const batches: RootChanges[] = [];
  const modes: { mode: WatchMode; reason?: string }[] = [];
  w.on('changes', (c) => batches.push(c));
  w.on('mode', (mode, reason) => modes.push({ mode, reason }));
  return {
    batches,
    modes,
    paths: () => new Set(batches.flatMap((b) => b.paths)),
    has: (p: string) => batches.some((b) => b.paths.includes(p)),
  };
}

/** Excludes hidden names and anything named `Excluded` (a stand-in for the library's excluder). */
export const testExclude = (rel: string, isDir: boolean): boolean =>
  rel.split('/').some((seg) => seg.startsWith('.') || (isDir && seg === 'Excluded'));
