import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirWatcher } from '../../../src/main/core/watch/dir-watcher';
import { RootWatcher } from '../../../src/main/core/watch/root-watcher';

const until = async (pred: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('DirWatcher (one OS watch per folder)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tcs-dirw-'));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('watches folders, not files, skips ignored ones, and follows new folders', async () => {
    await mkdir(path.join(root, 'a', 'b'), { recursive: true });
    await mkdir(path.join(root, '@eaDir'));
    for (let i = 0; i < 30; i++) await writeFile(path.join(root, 'a', `${i}.mp3`), 'x');
    const w = new DirWatcher(root, (p) => path.basename(p) === '@eaDir');
    const seen: [string, string][] = [];
    w.on('all', (e: string, p: string) => seen.push([e, p]));
    await new Promise((r) => w.once('ready', r));
    try {
      expect(w.watchCount).toBe(3); // root, a, a/b: not the 30 files, not @eaDir
      await mkdir(path.join(root, 'new'));
      await until(() => seen.some(([e, p]) => e === 'addDir' && p === path.join(root, 'new')));
      await writeFile(path.join(root, 'new', 'song.flac'), 'y');
      await until(() => seen.some(([e, p]) => e === 'change' && p.endsWith('song.flac')));
      await writeFile(path.join(root, '@eaDir', 'thumb.mp3'), 'z');
      await rm(path.join(root, 'a'), { recursive: true });
      await until(() => seen.some(([e, p]) => e === 'unlinkDir' && p === path.join(root, 'a')));
      expect(seen.some(([, p]) => p.includes('@eaDir'))).toBe(false);
      expect(w.watchCount).toBe(2);
    } finally {
      await w.close();
    }
  });

  it('reports files written into a new folder before its own watch existed', async () => {
    const w = new DirWatcher(root, () => false);
    const changed = new Set<string>();
    w.on('all', (e: string, p: string) => e === 'change' && changed.add(p));
    await new Promise((r) => w.once('ready', r));
    try {
      const dir = path.join(root, 'burst', 'deep');
      await mkdir(dir, { recursive: true });
      const files = Array.from({ length: 50 }, (_, i) => path.join(dir, `${i}.mp3`));
      await Promise.all(files.map((f) => writeFile(f, 'x')));
      await until(() => files.every((f) => changed.has(f)));
    } finally {
      await w.close();
    }
  });

  it.each(['dir', 'chokidar'])('drives the root watcher with the %s backend', async (backend) => {
    const saved = process.env.TUNECAMP_WATCHER;
    process.env.TUNECAMP_WATCHER = backend;
    const rw = new RootWatcher({
      root,
      exclude: () => false,
      quietMs: 100,
      maxWaitMs: 500,
      stabilityMs: 100,
    });
    const batches: string[][] = [];
    rw.on('changes', (c) => batches.push(c.paths));
    try {
      await rw.start();
      await writeFile(path.join(root, 'one.mp3'), 'abc');
      await until(() => batches.flat().includes(path.join(root, 'one.mp3')));
      await rm(path.join(root, 'one.mp3'));
      await until(() => batches.flat().filter((p) => p.endsWith('one.mp3')).length >= 2);
    } finally {
      await rw.close();
      process.env.TUNECAMP_WATCHER = saved;
    }
  });
});
