import { EventEmitter } from 'node:events';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RootWatcher,
  type FsWatcherLike,
  type WatchFactory,
} from '../../../src/main/core/watch/root-watcher';
import { record, tempDir, testExclude, waitFor } from './helpers';

/** A watcher that becomes ready and then fails the way chokidar does when inotify runs out. */
class FakeWatcher extends EventEmitter implements FsWatcherLike {
  closed = false;
  async close(): Promise<void> {
    this.closed = true;
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempRoot(): Promise<string> {
  const t = await tempDir();
  cleanups.push(t.cleanup);
  const root = path.join(t.dir, 'music');
  await mkdir(root);
  return root;
}

describe('RootWatcher polling fallback', () => {
  it('switches to polling with a reason on ENOSPC and rescans [root] periodically', async () => {
    const root = await tempRoot();
    const fakes: FakeWatcher[] = [];
    const watchFactory: WatchFactory = () => {
      const f = new FakeWatcher();
      fakes.push(f);
      setTimeout(() => f.emit('ready'), 10);
      return f;
    };
    const w = new RootWatcher({ root, exclude: testExclude, pollIntervalMs: 150, watchFactory });
    cleanups.push(() => w.close());
    const rec = record(w);
    await w.start();
    expect(w.mode).toBe('watching');
    const err = Object.assign(new Error('watch /x ENOSPC'), { code: 'ENOSPC' });
    fakes[0]!.emit('error', err);
    expect(w.mode).toBe('polling');
    expect(rec.modes).toEqual([
      { mode: 'polling', reason: 'Watch limit reached; rescanning every 150 ms' },
    ]);
    expect(fakes[0]!.closed).toBe(true);
    await waitFor(() => rec.batches.length >= 3, 'three rescans');
    expect(rec.batches.every((b) => b.paths.length === 1 && b.paths[0] === root)).toBe(true);
    expect(fakes).toHaveLength(1);
  });

  it('resolves start() in polling mode when the limit is hit before the watcher is ready', async () => {
    const root = await tempRoot();
    const fake = new FakeWatcher();
    const enospc = Object.assign(
      new Error('ENOSPC: System limit for number of file watchers reached'),
      {
        code: 'ENOSPC',
      },
    );
    const w = new RootWatcher({
      root,
      exclude: testExclude,
      pollIntervalMs: 60_000,
      watchFactory: () => (setTimeout(() => fake.emit('error', enospc), 10), fake),
    });
    cleanups.push(() => w.close());
    const rec = record(w);
    await w.start();
    expect(w.mode).toBe('polling');
    expect(rec.modes).toEqual([
      { mode: 'polling', reason: 'Watch limit reached; rescanning every 60 s' },
    ]);
    // Events may have been missed before the limit hit: one full rescan right away.
    expect(rec.batches).toEqual([{ root, paths: [root] }]);
  });

  it('reports other watcher errors to error listeners and keeps watching', async () => {
    const root = await tempRoot();
    const fake = new FakeWatcher();
    const w = new RootWatcher({
      root,
      exclude: testExclude,
      watchFactory: () => (setTimeout(() => fake.emit('ready'), 10), fake),
    });
    cleanups.push(() => w.close());
    const errors: Error[] = [];
    w.on('error', (e) => errors.push(e));
    await w.start();
    fake.emit(
      'error',
      Object.assign(new Error('EACCES: permission denied, watch /x/y'), { code: 'EACCES' }),
    );
    expect(errors.map((e) => e.message)).toEqual(['EACCES: permission denied, watch /x/y']);
    expect(w.mode).toBe('watching');
  });

  it('notices a root that vanished without any event through its periodic check', async () => {
    const root = await tempRoot();
    const fake = new FakeWatcher();
    const w = new RootWatcher({
      root,
      exclude: testExclude,
      onlineCheckMs: 100,
      rootCheckMs: 100,
      watchFactory: () => (setTimeout(() => fake.emit('ready'), 10), fake),
    });
    cleanups.push(() => w.close());
    const rec = record(w);
    await w.start();
    await rename(root, root + '-gone');
    await waitFor(() => w.mode === 'offline', 'offline');
    expect(fake.closed).toBe(true);
    await rename(root + '-gone', root);
    await waitFor(() => w.mode === 'watching', 'back');
    expect(rec.batches).toEqual([{ root, paths: [root] }]);
  });

  it('polls without creating a watcher when forcePolling is set', async () => {
    const root = await tempRoot();
    let created = 0;
    const w = new RootWatcher({
      root,
      exclude: testExclude,
      forcePolling: true,
      pollIntervalMs: 100,
      watchFactory: () => (created++, new FakeWatcher()),
    });
    cleanups.push(() => w.close());
    const rec = record(w);
    await w.start();
    expect(w.mode).toBe('polling');
    expect(rec.modes[0]?.reason).toMatch(/rescanning every 100 ms/);
    await waitFor(() => rec.batches.length >= 2, 'two rescans');
    expect(created).toBe(0);
    await w.close();
    const n = rec.batches.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.batches.length).toBe(n);
  });
});
