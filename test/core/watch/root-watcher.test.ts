import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watch, type FSWatcher } from 'chokidar';
import {
  RootWatcher,
  type RootWatcherOptions,
  type WatchFactory,
} from '../../../src/main/core/watch/root-watcher';
import { record, sleep, tempDir, testExclude, waitFor } from './helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: Partial<RootWatcherOptions> = {}, name = 'root') {
  const t = await tempDir();
  const root = path.join(t.dir, name);
  await mkdir(root);
  const w = new RootWatcher({
    root,
    exclude: testExclude,
    quietMs: 200,
    maxWaitMs: 2000,
    stabilityMs: 200,
    ...opts,
  });
  cleanups.push(t.cleanup, () => w.close());
  return { base: t.dir, root, w, rec: record(w) };
}

describe('RootWatcher with real chokidar', () => {
  it('reports adds, changes, renames, deletes and moves across two roots', async () => {
    const a = await setup();
    const b = await setup({}, 'other');
    await writeFile(path.join(a.root, 'one.mp3'), 'first');
    await Promise.all([a.w.start(), b.w.start()]);
    expect(a.w.mode).toBe('watching');

    const added = path.join(a.root, 'new.mp3');
    await writeFile(added, 'x');
    await waitFor(() => a.rec.has(added), 'add');

    const one = path.join(a.root, 'one.mp3');
    await appendFile(one, 'more');
    await waitFor(() => a.rec.has(one), 'change');

    const renamed = path.join(a.root, 'renamed.mp3');
    a.rec.batches.length = 0;
    await rename(one, renamed);
    await waitFor(() => a.rec.has(one) && a.rec.has(renamed), 'rename (old and new path)');

    await rm(added);
    a.rec.batches.length = 0;
    await waitFor(() => a.rec.has(added), 'delete');

    const moved = path.join(b.root, 'moved.mp3');
    a.rec.batches.length = 0;
    await rename(renamed, moved);
    await waitFor(() => a.rec.has(renamed) && b.rec.has(moved), 'move across roots');
    expect(a.rec.has(moved)).toBe(false);
    expect(b.rec.batches.every((c) => c.root === b.root)).toBe(true);
  });

  it('coalesces a burst of 2,000 files into a handful of batches', async () => {
    const { root, w, rec } = await setup({ quietMs: 300, maxWaitMs: 5000 });
    await w.start();
    const dir = path.join(root, 'album');
    await mkdir(dir);
    const files = Array.from({ length: 2000 }, (_, i) => path.join(dir, `t${i}.mp3`));
    const began = Date.now();
    for (let i = 0; i < files.length; i += 200) {
      await Promise.all(files.slice(i, i + 200).map((f) => writeFile(f, 'a')));
    }
    const burstMs = Date.now() - began;
    await waitFor(() => files.every((f) => rec.paths().has(f)), 'all 2,000 files', 30_000);
    await sleep(600);
    // A handful; on a loaded machine a longer burst may add one batch per maxWait.
    expect(rec.batches.length).toBeLessThanOrEqual(Math.max(6, Math.ceil(burstMs / 5000) + 3));
    expect(rec.paths().has(dir)).toBe(true);
  });

  it('holds a file that is still being written until its size settles', async () => {
    const { root, w } = await setup({ stabilityMs: 1000, quietMs: 100 });
    const seen: { at: number; size: number }[] = [];
    const file = path.join(root, 'slow.flac');
    const { statSync } = await import('node:fs');
    w.on('changes', (c) => {
      if (c.paths.includes(file)) seen.push({ at: Date.now(), size: statSync(file).size });
    });
    await w.start();
    const piece = Buffer.alloc(64 * 1024, 1);
    for (let i = 0; i < 10; i++) {
      await appendFile(file, piece);
      await sleep(200);
    }
    const lastWrite = Date.now() - 200;
    await waitFor(() => seen.length > 0, 'the slow file');
    await sleep(1500);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.size).toBe(10 * piece.length);
    expect(seen[0]!.at).toBeGreaterThanOrEqual(lastWrite);
  });

  it('goes offline without removals when the root disappears, and announces [root] on return', async () => {
    const { base, root, w, rec } = await setup({ rootCheckMs: 100, onlineCheckMs: 60_000 });
    const sub = path.join(root, 'Artist');
    await mkdir(sub);
    await writeFile(path.join(sub, 'a.mp3'), 'a');
    await writeFile(path.join(root, 'b.mp3'), 'b');
    await w.start();
    const away = path.join(base, 'unplugged');
    await rename(root, away);
    await waitFor(() => w.mode === 'offline', 'offline');
    expect(rec.modes.at(-1)).toEqual({ mode: 'offline', reason: `Folder not found: ${root}` });
    await sleep(500);
    expect(rec.batches).toEqual([]);

    await rename(away, root);
    await waitFor(() => w.mode === 'watching' && rec.batches.length > 0, 'back online');
    expect(rec.batches[0]).toEqual({ root, paths: [root] });
    // Watching works again after the return.
    const fresh = path.join(root, 'fresh.mp3');
    await writeFile(fresh, 'f');
    await waitFor(() => rec.has(fresh), 'a change after the return');
  });

  it('starts offline when the root is missing and comes online when it appears', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const root = path.join(t.dir, 'later');
    const w = new RootWatcher({ root, exclude: testExclude, rootCheckMs: 100, quietMs: 100 });
    cleanups.push(() => w.close());
    const rec = record(w);
    await w.start();
    expect(w.mode).toBe('offline');
    await mkdir(root);
    await waitFor(() => w.mode === 'watching', 'online');
    await waitFor(() => rec.has(root), 'changes [root]');
  });

  it('never watches or reports excluded and hidden folders', async () => {
    let inner: FSWatcher | null = null;
    const watchFactory: WatchFactory = (root, options) => (inner = watch(root, options));
    const { root, w, rec } = await setup({ watchFactory });
    await mkdir(path.join(root, 'Excluded'));
    await mkdir(path.join(root, '.hidden'));
    await mkdir(path.join(root, 'Kept'));
    await w.start();
    // Excluded folders cost no OS watch at all (the inotify budget).
    const watched = Object.keys(inner!.getWatched()).map((d) => path.relative(root, d));
    expect(watched).toContain('Kept');
    expect(watched).not.toContain('Excluded');
    expect(watched).not.toContain('.hidden');
    await writeFile(path.join(root, 'Excluded', 'x.mp3'), 'x');
    await writeFile(path.join(root, '.hidden', 'y.mp3'), 'y');
    await writeFile(path.join(root, '.DS_Store'), 'junk');
    await mkdir(path.join(root, '.git'));
    const kept = path.join(root, 'kept.mp3');
    await writeFile(kept, 'k');
    await waitFor(() => rec.has(kept), 'the kept file');
    await sleep(500);
    const reported = [...rec.paths()].map((p) => path.relative(root, p));
    expect(reported).toEqual(['kept.mp3']);
  });
});
