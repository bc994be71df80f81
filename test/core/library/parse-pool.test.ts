import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../../src/main/core/library/library';
import { ParsePool } from '../../../src/main/core/library/parse-pool';
import { parseWorkerFile } from '../../../src/main/core/library/worker-entry';
import type { ParsePoolOptions } from '../../../src/main/core/library/parse-pool';
import type { FileStamp } from '../../../src/main/core/library/read-track';
import { readTrack } from '../../../src/main/core/library/read-track';
import { ScanCache } from '../../../src/main/core/library/scan-cache';
import { CORPUS, place, removeDir, SAMPLES, tempDir } from './helpers';

let dir: string;
const pools: ParsePool[] = [];
beforeEach(async () => {
  dir = await tempDir('tc-pool-');
});
afterEach(async () => {
  for (const p of pools.splice(0)) p.close();
  await removeDir(dir);
});

function makePool(opts: ParsePoolOptions = {}): ParsePool {
  const pool = new ParsePool({ threads: 1, idleMs: 60_000, ...opts });
  pools.push(pool);
  return pool;
}

async function stampOf(p: string): Promise<FileStamp> {
  const s = await stat(p);
  return { size: s.size, mtimeMs: s.mtimeMs, dev: s.dev, ino: s.ino };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A few good files (one tagged FLAC, APE-tagged MP3s, one above the in-memory limit). */
async function goodFiles(): Promise<string[]> {
  const names = ['APEv2+Lyrics3v2.mp3', 'issue-347.mp3', 'issue-641.mp3', 'herbal-tea-GRP1.mp3'];
  const files = await Promise.all(
    names.map((n) => place(path.join(CORPUS, 'mp3', n), path.join(dir, n))),
  );
  files.push(await place(SAMPLES.flac, path.join(dir, 'x.flac')));
  files.push(await place(SAMPLES.bigWav, path.join(dir, 'big.wav')));
  return files;
}

describe('ParsePool', () => {
  it('starts a thread ahead of a cold scan when asked, and stops it when no file comes', async () => {
    const pool = makePool({ threads: 2, idleMs: 300 });
    pool.prewarm();
    expect(pool.threads).toBe(1);
    pool.prewarm(); // one is enough to start with; the scan grows the pool as files wait
    expect(pool.spawned).toBe(1);
    await until(() => pool.threads === 0);
    const files = await goodFiles();
    const res = await pool.read(files[0]!, { stamp: await stampOf(files[0]!), timeoutMs: 10_000 });
    expect(res.ok).toBe(true);
  });

  it('reads on a thread exactly what readTrack reads in-process, starting threads only on demand', async () => {
    const pool = makePool({ threads: 2, perThread: 2 });
    expect(pool.threads).toBe(0);
    const files = await goodFiles();
    const stamps = await Promise.all(files.map(stampOf));
    const viaPool = await Promise.all(
      files.map((f, i) => pool.read(f, { stamp: stamps[i]!, timeoutMs: 10_000 })),
    );
    expect(pool.inProcess).toBe(false);
    expect(pool.spawned).toBe(2); // 6 files, 2 per thread: grew to its maximum, no further
    for (const [i, f] of files.entries()) {
      expect(viaPool[i]).toEqual(await readTrack(f, { stamp: stamps[i]! }));
      expect(viaPool[i]?.ok).toBe(true);
    }
  });

  it('stops its threads when idle and starts again on the next file', async () => {
    const pool = makePool({ idleMs: 150 });
    const f = (await goodFiles())[0]!;
    const stamp = await stampOf(f);
    expect((await pool.read(f, { stamp, timeoutMs: 10_000 })).ok).toBe(true);
    expect(pool.threads).toBe(1);
    await until(() => pool.threads === 0);
    expect((await pool.read(f, { stamp, timeoutMs: 10_000 })).ok).toBe(true);
    expect(pool.spawned).toBe(2);
  });

  it('terminates a thread stuck in a synchronous loop and blames only that file', async () => {
    const pool = makePool({ perThread: 8, graceMs: 200, testHooks: { hangOn: '__hang__.mp3' } });
    const files = await goodFiles();
    const hang = await place(SAMPLES.mp3, path.join(dir, '__hang__.mp3'));
    const all = [...files, hang];
    const stamps = await Promise.all(all.map(stampOf));
    const started = Date.now();
    const res = await Promise.all(
      all.map((f, i) => pool.read(f, { stamp: stamps[i]!, timeoutMs: 1000 })),
    );
    // One kill with everything in flight, then each file re-run alone: the culprit hangs once more.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.at(-1)).toEqual({
      ok: false,
      reason: 'timed out reading tags after 1 s',
      stamp: stamps.at(-1),
    });
    for (const r of res.slice(0, -1)) expect(r.ok).toBe(true);
    // The first thread was killed with the files still in flight (normally all 7), the second with
    // the culprit alone; none is left running, and the next file starts a fresh one.
    const spawned = pool.spawned;
    expect([1, 2]).toContain(spawned);
    expect(pool.threads).toBe(0);
    expect((await pool.read(files[0]!, { stamp: stamps[0]!, timeoutMs: 1000 })).ok).toBe(true);
    expect(pool.spawned).toBe(spawned + 1);
  }, 20_000);

  it('reports a file whose parse kills its thread, and keeps going', async () => {
    const pool = makePool({ testHooks: { crashOn: 'boom.mp3' } });
    const files = await goodFiles();
    const boom = await place(SAMPLES.mp3, path.join(dir, 'boom.mp3'));
    const all = [boom, ...files];
    const stamps = await Promise.all(all.map(stampOf));
    const res = await Promise.all(
      all.map((f, i) => pool.read(f, { stamp: stamps[i]!, timeoutMs: 10_000 })),
    );
    expect(res[0]).toMatchObject({
      ok: false,
      reason: 'damaged: reading it crashed the tag reader',
    });
    for (const r of res.slice(1)) expect(r.ok).toBe(true);
  });

  it('reads in-process, with one warning, when no thread can start', async () => {
    const pool = makePool({ entry: pathToFileURL(path.join(dir, 'missing-worker.js')) });
    const warnings: string[] = [];
    pool.on('warning', (m) => warnings.push(m));
    const files = await goodFiles();
    const stamps = await Promise.all(files.map(stampOf));
    const res = await Promise.all(
      files.map((f, i) => pool.read(f, { stamp: stamps[i]!, timeoutMs: 10_000 })),
    );
    for (const r of res) expect(r.ok).toBe(true);
    expect((await pool.read(files[0]!, { stamp: stamps[0]!, timeoutMs: 10_000 })).ok).toBe(true);
    expect(pool.inProcess).toBe(true);
    expect(pool.threads).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Tags are read on the main thread \(slower\): .*missing-worker/);
  });

  it('settles files of an aborted scan as cancelled at once', async () => {
    const pool = makePool({ testHooks: { hangOn: '__hang__.mp3' } });
    const hang = await place(SAMPLES.mp3, path.join(dir, '__hang__.mp3'));
    const stamp = await stampOf(hang);
    const ac = new AbortController();
    const pending = [1, 2, 3].map(() =>
      pool.read(hang, { stamp, timeoutMs: 60_000, signal: ac.signal }),
    );
    setTimeout(() => ac.abort(), 50);
    for (const r of await Promise.all(pending))
      expect(r).toMatchObject({ reason: 'scan cancelled' });
    expect(await pool.read(hang, { stamp, timeoutMs: 60_000, signal: ac.signal })).toMatchObject({
      reason: 'scan cancelled',
    });
  });

  it('lets a warm library scan run without starting any thread', async () => {
    const pool = makePool({ threads: 2 });
    await goodFiles();
    const cache = ScanCache.inMemory();
    const cold = await new Library({ cache, read: pool.read }).scanRoot(dir, { exclude: [] });
    expect(cold.tracks).toBe(6);
    const spawned = pool.spawned;
    expect(spawned).toBeGreaterThan(0);
    pool.close();
    const warm = await new Library({ cache, read: pool.read }).scanRoot(dir, { exclude: [] });
    // The same library, with every tag from the cache this time.
    expect(warm).toEqual({ ...cold, readFromDisk: 0 });
    expect(cold.readFromDisk).toBe(6);
    expect(pool.spawned).toBe(spawned);
    expect(pool.threads).toBe(0);
  });
});

describe('parseWorkerFile', () => {
  it('finds the worker beside the bundle, or beside the source under a TypeScript loader', () => {
    expect(parseWorkerFile('file:///app/dist/cli.js').href).toBe(
      'file:///app/dist/parse-worker.js',
    );
    expect(parseWorkerFile('file:///app/out/main/index.js').href).toBe(
      'file:///app/out/main/parse-worker.js',
    );
    expect(parseWorkerFile('file:///src/main/core/library/parse-pool.ts').href).toBe(
      'file:///src/main/core/library/parse-worker.ts',
    );
  });
});
