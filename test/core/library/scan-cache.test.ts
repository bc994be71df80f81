import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../../src/main/core/library/library';
import { readTrack } from '../../../src/main/core/library/read-track';
import { ScanCache, smallInt } from '../../../src/main/core/library/scan-cache';
import { writeFileAtomic } from '../../../src/main/core/fs/atomic-write';
import { makeLibrary, place, removeDir, SAMPLES, tempDir } from './helpers';
import { relPathOf } from '../../../src/main/core/library/root-index';

let dir: string;
let music: string;
let cacheFile: string;
beforeEach(async () => {
  dir = await tempDir();
  music = path.join(dir, 'music');
  cacheFile = path.join(dir, 'state', 'scan-cache.json');
  await place(SAMPLES.flac, path.join(music, 'A', 'one.flac'));
  await place(SAMPLES.mp3, path.join(music, 'A', 'two.mp3'));
  await place(SAMPLES.bigWav, path.join(music, 'B', 'three.wav'));
  await writeFile(path.join(music, 'B', 'broken.flac'), 'this is not a FLAC file at all');
});
afterEach(async () => {
  await removeDir(dir);
});

/** Scan `music` with a library over the cache file, as one app run would, and save. */
async function run() {
  const cache = await ScanCache.open(cacheFile, { debounceMs: 10 });
  const warnings = [...cache.warnings];
  cache.on('warning', (m) => warnings.push(m));
  const ctx = makeLibrary(cache);
  const loaded = ctx.lib.loadFromCache(music);
  const res = await ctx.lib.scanRoot(music, { exclude: [] });
  await cache.save();
  await new Promise((r) => setTimeout(r, 0));
  return { ...ctx, loaded, res, warnings };
}

describe('persistent scan cache', () => {
  it('warm restart re-parses nothing, not even broken files, and publishes from the cache first', async () => {
    const first = await run();
    expect(first.parsed).toHaveLength(4);
    expect(first.res.tracks).toBe(3);
    expect(first.res.skipped.map((s) => path.basename(s.path))).toEqual(['broken.flac']);
    expect(first.res.skipped[0]?.reason).toMatch(/its FLAC contents could not be read/);

    const second = await run();
    expect(second.loaded).toBe(3);
    expect(second.parsed).toEqual([]);
    // Loading from cache announced the entries; the scan that followed found nothing new.
    expect(second.deltas).toHaveLength(1);
    expect(second.deltas[0]?.added).toHaveLength(3);
    expect(second.res.skipped).toEqual(first.res.skipped);
    expect(
      second.lib
        .entries()
        .map((e) => e.id)
        .sort(),
    ).toEqual(
      first.lib
        .entries()
        .map((e) => e.id)
        .sort(),
    );
  });

  it('does not re-parse a renamed or moved file, and forgets the old path', async () => {
    await run();
    await rename(path.join(music, 'A', 'one.flac'), path.join(music, 'B', 'uno.flac'));
    const after = await run();
    expect(after.parsed).toEqual([]);
    const rels = after.lib
      .entries()
      .map((e) => relPathOf(e))
      .sort();
    expect(rels).toEqual(['A/two.mp3', 'B/three.wav', 'B/uno.flac']);
    const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as {
      records: Record<string, unknown>;
    };
    expect(Object.keys(saved.records)).toContain(path.join(music, 'B', 'uno.flac'));
    expect(Object.keys(saved.records)).not.toContain(path.join(music, 'A', 'one.flac'));
  });

  it('lets the reader stat files the cache cannot know (nothing of their device), and stats first otherwise', async () => {
    const cache = ScanCache.inMemory();
    const stamped: boolean[] = [];
    const lib = new Library({
      cache,
      read: (p, o) => {
        stamped.push(o.stamp !== undefined);
        return readTrack(p, o);
      },
    });
    await lib.scanRoot(music, { exclude: [] });
    expect(stamped).toEqual([false, false, false, false]); // a first scan: no main-thread stat per file
    expect(lib.entries()).toHaveLength(3);
    // Now the cache knows this device: a new file may be a known one moved, so it is stat'ed
    // first and looked up by inode before anything is read.
    stamped.length = 0;
    await place(SAMPLES.untagged, path.join(music, 'B', 'new.mp3'));
    await rename(path.join(music, 'A', 'one.flac'), path.join(music, 'B', 'moved.flac'));
    await lib.scanRoot(music, { exclude: [] });
    expect(stamped).toEqual([true]); // only new.mp3 is read; moved.flac came from the cache
    expect(lib.entries()).toHaveLength(4);
  });

  it('finds a moved file by inode among hard links, whichever path goes first', async () => {
    const cache = ScanCache.inMemory();
    const stamp = { size: 10, mtimeMs: 5.5, dev: 1, ino: 42 };
    const track = {
      id: 'a'.repeat(32),
      title: 't',
      mimeType: 'audio/mpeg',
      format: 'mp3',
    };
    cache.set('/m/a.mp3', { ...stamp, track });
    cache.set('/m/b.mp3', { ...stamp, track }); // a hard link: same inode, size and mtime
    cache.set('/m/other.mp3', { ...stamp, dev: 2, track }); // same inode number, other device
    expect(cache.pathOf(stamp)).toBe('/m/b.mp3');
    cache.delete('/m/b.mp3');
    // The remaining link still identifies the version (a move of it must not re-parse).
    expect(cache.pathOf(stamp)).toBe('/m/a.mp3');
    expect(cache.lookup('/m/moved.mp3', stamp)?.track?.id).toBe(track.id);
    expect(cache.pathOf({ ...stamp, dev: 2 })).toBe('/m/other.mp3');
    expect(cache.pathOf({ ...stamp, mtimeMs: 6 })).toBeUndefined();
    cache.delete('/m/a.mp3');
    expect(cache.lookup('/m/moved.mp3', stamp)).toBeUndefined();
  });

  it('keeps every stamp value exactly (small integers only change representation)', () => {
    for (const n of [0, 1, 65024, 0x3fffffff, 0x40000000, 2 ** 31, 2 ** 53 + 2, 1.5, -1, 1e21]) {
      expect(smallInt(n)).toBe(n);
    }
    const cache = ScanCache.inMemory();
    const stamp = { size: 5 * 2 ** 30, mtimeMs: 1700000000123.456, dev: 2 ** 40, ino: 7 };
    expect(cache.set('/m/huge.wav', { ...stamp, skip: 'x' })).toMatchObject(stamp);
  });

  it('stores records in one shape, whatever shape they were given in', () => {
    const cache = ScanCache.inMemory();
    const stored = cache.set('/m/a.mp3', {
      ino: 1,
      dev: 1,
      mtimeMs: 1,
      size: 1,
      track: { format: 'mp3', mimeType: 'audio/mpeg', title: 't', id: 'b'.repeat(32) },
    });
    const skip = cache.set('/m/b.mp3', { skip: 'bad', size: 1, mtimeMs: 1, dev: 1, ino: 2 });
    expect(Object.keys(stored)).toEqual(Object.keys(skip));
    expect(Object.keys(stored)).toEqual(['size', 'mtimeMs', 'dev', 'ino', 'track', 'skip']);
    expect(Object.keys(stored.track!)).toEqual([
      'id',
      'title',
      'artist',
      'album',
      'duration',
      'mimeType',
      'format',
      'note',
    ]);
    expect(cache.get('/m/a.mp3')).toBe(stored);
  });

  it('re-parses only files whose size or mtime changed', async () => {
    await run();
    await writeFile(path.join(music, 'A', 'two.mp3'), await readFile(SAMPLES.untagged));
    const after = await run();
    expect(after.parsed).toEqual([path.join(music, 'A', 'two.mp3')]);
    expect(after.lib.entries().find((e) => relPathOf(e) === 'A/two.mp3')?.title).toBe('two');
  });

  it('discards a corrupt cache with a warning instead of crashing', async () => {
    await run();
    await writeFile(cacheFile, '{"version":1,"records":{"/x": {"size": 1,'); // torn write
    const after = await run();
    expect(after.warnings).toHaveLength(1);
    expect(after.warnings[0]).toMatch(/corrupt.*discarded/);
    expect(after.parsed).toHaveLength(4);
    expect(after.res.tracks).toBe(3);
    // ... and the rewritten cache is valid again.
    const again = await run();
    expect(again.warnings).toEqual([]);
    expect(again.parsed).toEqual([]);
  });

  it('drops damaged records one by one and ignores unknown formats', async () => {
    await writeFileAtomic(
      cacheFile,
      JSON.stringify({
        version: 1,
        records: {
          '/m/ok.mp3': {
            size: 3,
            mtimeMs: 1,
            dev: 1,
            ino: 2,
            track: { id: 'ab'.repeat(16), title: 'T', mimeType: 'audio/mpeg', format: 'mp3' },
          },
          '/m/bad.mp3': { size: 'x' },
          '/m/notitle.mp3': {
            size: 3,
            mtimeMs: 1,
            dev: 1,
            ino: 3,
            track: { id: 'ab'.repeat(16), title: '', mimeType: 'audio/mpeg', format: 'mp3' },
          },
        },
      }),
    );
    const cache = await ScanCache.open(cacheFile);
    expect(cache.size).toBe(1);
    expect(cache.warnings[0]).toMatch(/2 damaged record/);
    expect(
      cache.lookup('/m/elsewhere.mp3', { size: 3, mtimeMs: 1, dev: 1, ino: 2 })?.track?.title,
    ).toBe('T');
    expect(cache.lookup('/m/ok.mp3', { size: 4, mtimeMs: 1, dev: 1, ino: 2 })).toBeUndefined();

    await writeFile(cacheFile, JSON.stringify({ version: 99, records: {} }));
    const other = await ScanCache.open(cacheFile);
    expect(other.size).toBe(0);
    expect(other.warnings[0]).toMatch(/unknown format/);
  });

  it('writes atomically and coalesces scheduled saves', async () => {
    const cache = await ScanCache.open(cacheFile, { debounceMs: 30 });
    for (let i = 0; i < 50; i++) {
      cache.set(`/m/${i}.mp3`, { size: i + 1, mtimeMs: 1, dev: 1, ino: i, skip: 'empty file' });
      cache.scheduleSave();
    }
    await new Promise((r) => setTimeout(r, 150));
    const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as {
      records: Record<string, unknown>;
    };
    expect(Object.keys(saved.records)).toHaveLength(50);
    expect((await readdir(path.dirname(cacheFile))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const reopened = await ScanCache.open(cacheFile);
    expect(reopened.get('/m/7.mp3')?.skip).toBe('empty file');
  });

  it('writes a cache larger than one write chunk as one valid file, names in any script', async () => {
    const cache = await ScanCache.open(cacheFile);
    const names = ['Björk', '坂本龍一', 'Мумий Тролль', 'Ελένη', 'ליאור', '🎵 & # % [x]'];
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const name = names[i % names.length] ?? '';
      cache.set(`/m/${name}/${i}.mp3`, {
        size: i + 1,
        mtimeMs: 1.5 + i,
        dev: 1,
        ino: i,
        track: {
          id: i.toString(16).padStart(32, '0'),
          title: `${name} ${i}`,
          mimeType: 'audio/mpeg',
          format: 'mp3',
        },
      });
    }
    await cache.save();
    const text = await readFile(cacheFile, 'utf8');
    expect(text.length).toBeGreaterThan(64 * 1024 * 2);
    const reopened = await ScanCache.open(cacheFile);
    expect(reopened.warnings).toEqual([]);
    expect(reopened.size).toBe(n);
    expect(reopened.get('/m/坂本龍一/1.mp3')?.track?.title).toBe('坂本龍一 1');
    expect(reopened.get(`/m/🎵 & # % [x]/${n - 1}.mp3`)?.mtimeMs).toBe(1.5 + n - 1);
  });
});
