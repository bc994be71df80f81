import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScanCache } from '../../../src/main/core/library/scan-cache';
import { Library } from '../../../src/main/core/library/library';
import type { ScanProgress } from '../../../src/main/core/library/library';
import { makeLibrary, place, removeDir, SAMPLES, tempDir } from './helpers';
import { relPathOf } from '../../../src/main/core/library/root-index';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

/** `n` distinct small tracks (unique trailing bytes give each its own id). */
async function manyTracks(root: string, n: number) {
  const base = await readFile(SAMPLES.untagged);
  for (let i = 0; i < n; i++) {
    const folder = path.join(root, `Album ${Math.floor(i / 50)}`);
    await mkdir(folder, { recursive: true });
    await writeFile(
      path.join(folder, `Track ${i}.mp3`),
      Buffer.concat([base, Buffer.from(`#${i}`)]),
    );
  }
}

describe('Library', () => {
  it('publishes progressively in batches while a scan runs, with progress counts', async () => {
    await manyTracks(dir, 1200);
    const { lib, deltas } = makeLibrary();
    const progress: ScanProgress[] = [];
    lib.on('progress', (_r, p) => progress.push(p));
    let deltasBeforeEnd = -1;
    const res = await lib.scanRoot(dir, { exclude: [] }).then((r) => {
      deltasBeforeEnd = deltas.length;
      return r;
    });
    expect(res.tracks).toBe(1200);
    expect(deltasBeforeEnd).toBeGreaterThanOrEqual(3); // at most 500 changes per batch
    for (const d of deltas) expect(d.added.length).toBeLessThanOrEqual(500);
    expect(deltas.reduce((n, d) => n + d.added.length, 0)).toBe(1200);
    expect(progress.at(-1)).toEqual({ found: 1200, parsed: 1200, skipped: 0, done: true });
    expect(progress.slice(0, -1).every((p) => !p.done)).toBe(true);
    expect(lib.stats(dir)).toEqual({ tracks: 1200, bytes: res.bytes });
  });

  it('can be aborted, and an aborted rescan removes nothing', async () => {
    await manyTracks(dir, 300);
    const { lib } = makeLibrary();
    await lib.scanRoot(dir, { exclude: [] });
    // Cancel a cold scan after its tenth parse.
    const ac = new AbortController();
    let parses = 0;
    const cold = new Library({
      cache: ScanCache.inMemory(),
      onParse: () => {
        if (++parses === 10) ac.abort(new Error('user cancelled'));
      },
    });
    await expect(cold.scanRoot(dir, { exclude: [], signal: ac.signal })).rejects.toThrow(
      'user cancelled',
    );
    expect(parses).toBeLessThan(300);
    // A rescan of the fully scanned library, aborted at once, keeps every entry.
    const ac2 = new AbortController();
    ac2.abort(new Error('stop'));
    await expect(lib.scanRoot(dir, { exclude: [], signal: ac2.signal })).rejects.toThrow('stop');
    expect(lib.stats(dir).tracks).toBe(300);
  });

  it('removeRoot forgets entries, skips and cache records of that root only', async () => {
    const cache = ScanCache.inMemory();
    const r1 = path.join(dir, 'r1');
    const r2 = path.join(dir, 'r2');
    await place(SAMPLES.flac, path.join(r1, 'a.flac'));
    await writeFile(path.join(r1, 'broken.mp3'), '');
    await place(SAMPLES.mp3, path.join(r2, 'b.mp3'));
    const { lib, deltas } = makeLibrary(cache);
    await lib.scanRoot(r1, { exclude: [] });
    await lib.scanRoot(r2, { exclude: [] });
    expect(lib.skipped(r1)).toEqual([{ path: path.join(r1, 'broken.mp3'), reason: 'empty file' }]);
    deltas.length = 0;
    const d = lib.removeRoot(r1);
    expect(d.removed.map((e) => relPathOf(e))).toEqual(['a.flac']);
    expect(deltas).toEqual([d]);
    expect(lib.entries().map((e) => relPathOf(e))).toEqual(['b.mp3']);
    expect(lib.skipped(r1)).toEqual([]);
    expect(cache.under(r1)).toEqual([]);
    expect(cache.under(r2)).toHaveLength(1);
  });

  it('loads a root from the cache without touching the disk', async () => {
    const file = path.join(dir, 'state', 'cache.json');
    const music = path.join(dir, 'music');
    await place(SAMPLES.flac, path.join(music, 'x', 'a.flac'));
    const cache = await ScanCache.open(file);
    await makeLibrary(cache).lib.scanRoot(music, { exclude: [] });
    await cache.save();
    await removeDir(music); // offline drive: the cached manifest is still published at start-up
    const { lib, deltas } = makeLibrary(await ScanCache.open(file));
    expect(lib.loadFromCache(music)).toBe(1);
    expect(deltas[0]?.added.map((e) => [relPathOf(e), e.title, e.mimeType])).toEqual([
      ['x/a.flac', "Sinner's Prayer", 'audio/flac'],
    ]);
    expect(lib.get(deltas[0]!.added[0]!.id)?.size).toBe(413077);
  });
});
