/**
 * Fault 1 of issue 15: a damaged scan cache or settings file (one bit flipped, cut in half, zero
 * length). The engine must start, and either read exactly what was written or say which file it
 * could not trust: never load altered state silently.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCache, type CacheRecord } from '../../src/main/core/library/scan-cache';
import { ConfSettingsStore } from '../../src/main/core/settings/store';
import { damage, damages, describeDamage, FULL, tempDir } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('corrupt');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function record(i: number): CacheRecord {
  return {
    size: 1000 + i,
    mtimeMs: 1_700_000_000_000 + i * 1.5,
    dev: 2049,
    ino: 100 + i,
    track: {
      id: (0xabc0 + i).toString(16).padStart(32, '0'),
      title: `Track ${i} – Ünïcode ${'坂本'.repeat(i % 3)}`,
      artist: i % 2 ? 'Artist' : undefined,
      album: 'Album',
      duration: 180 + i,
      mimeType: 'audio/flac',
      format: 'flac',
    },
  };
}

/** Every record of `cache`, as plain data, to compare a reload with what was saved. */
function contents(cache: ScanCache, n: number) {
  return Array.from({ length: n }, (_, i) => cache.get(`/music/${i}.flac`) ?? null);
}

describe('a damaged scan cache', () => {
  const n = 12;
  let file: string;
  let good: Buffer;
  let expected: ReturnType<typeof contents>;

  beforeAll(async () => {
    file = path.join(dir, 'cache', 'scan-cache.json');
    const cache = await ScanCache.open(file);
    for (let i = 0; i < n; i++) cache.set(`/music/${i}.flac`, record(i));
    await cache.save();
    good = await readFile(file);
    expected = contents(await ScanCache.open(file), n);
  });

  it('is read back whole or discarded with a warning naming it, never altered', async () => {
    const silent: string[] = [];
    for (const d of damages(good.length, FULL ? 2000 : 300)) {
      await writeFile(file, damage(good, d));
      const cache = await ScanCache.open(file); // never throws
      if (cache.warnings.length > 0) {
        expect(cache.warnings.join('\n')).toContain(file);
        continue;
      }
      const got = contents(cache, n);
      if (JSON.stringify(got) !== JSON.stringify(expected)) silent.push(describeDamage(d));
    }
    expect(silent, 'damages loaded without a warning').toEqual([]);
  });
});

describe('a damaged settings file', () => {
  const patch = {
    server: 'https://music.example.org',
    folders: [{ path: '/srv/music', download: 'deny' as const, exclude: ['*.tmp'] }],
    uploadRateLimit: 1_000_000,
    maxConcurrentTransfers: 9,
    paused: true,
  };
  let stateDir: string;
  let good: Buffer;
  let expected: string;

  beforeAll(async () => {
    stateDir = path.join(dir, 'settings');
    const store = new ConfSettingsStore(stateDir);
    store.update(patch);
    good = await readFile(path.join(stateDir, 'settings.json'));
    const again = new ConfSettingsStore(stateDir);
    expect(again.problems).toEqual([]);
    expected = JSON.stringify(again.get());
  });

  it('falls back with a problem naming the file, or reads exactly what was saved', async () => {
    const file = path.join(stateDir, 'settings.json');
    const silent: string[] = [];
    for (const d of damages(good.length, FULL ? 1000 : 150)) {
      await rm(stateDir, { recursive: true, force: true });
      await mkdir(stateDir, { recursive: true }); // the backup of an earlier round goes too
      await writeFile(file, damage(good, d));
      const store = new ConfSettingsStore(stateDir); // never throws
      if (store.problems.some((p) => p.includes(file))) continue;
      if (JSON.stringify(store.get()) !== expected)
        silent.push(`${describeDamage(d)}: ${store.problems.join(' | ') || 'no problem said'}`);
    }
    expect(silent, 'damages that changed settings without naming the file').toEqual([]);
  });

  it('an empty settings file is set aside and named, and defaults are used', async () => {
    const file = path.join(stateDir, 'settings.json');
    await writeFile(file, '');
    const store = new ConfSettingsStore(stateDir);
    expect(store.problems.join('\n')).toContain(file);
    expect(store.get().folders).toEqual([]);
  });
});
