import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mediaOf } from '../../../src/main/core/fs/media';
import { Library } from '../../../src/main/core/library/library';
import { ParsePool } from '../../../src/main/core/library/parse-pool';
import { ScanCache } from '../../../src/main/core/library/scan-cache';
import { place, removeDir, SAMPLES, tempDir } from './helpers';
import { mountSlowDisk, slowDiskMissing, type SlowDiskStats } from '../../../bench/lib/slow-disk';

/**
 * A scan of a folder on a FUSE mount that serves one request at a time and counts a "seek" for
 * every read not contiguous with the previous one (bench/slow-disk.py, as in `npm run bench`).
 * Needs root, /dev/fuse and Debian's python3-fusepy (.ci/run installs it).
 */
const missing = slowDiskMissing();

let dir: string;
beforeEach(async () => {
  dir = await tempDir('tc-slow-');
});
afterEach(async () => {
  await removeDir(dir);
});

describe.skipIf(missing !== undefined)('a scan on a slow medium (FUSE)', () => {
  it('is told apart, and reads one file at a time in name order: one seek per file', async () => {
    const files = 60;
    // 413 KB each: the kernel asks FUSE for it in several requests, which two files read at once
    // may interleave (a seek between every two).
    for (let i = 0; i < files; i++)
      await place(SAMPLES.flac, path.join(dir, 'src', `${String(i).padStart(2, '0')}.flac`));
    const disk = await mountSlowDisk(path.join(dir, 'src'), path.join(dir, 'mnt'), { seekMs: 1 });
    let stats: SlowDiskStats;
    try {
      const media = await mediaOf(path.join(dir, 'mnt'), {});
      expect(media).toMatchObject({ kind: 'fuse', readsInFlight: 1 });
      // Two threads taking one file each at a time: without the limit their reads overlap.
      const pool = new ParsePool({ threads: 2, perThread: 1 });
      const lib = new Library({ cache: ScanCache.inMemory(), read: pool.read });
      const result = await lib.scanRoot(path.join(dir, 'mnt'), { exclude: [] });
      pool.close();
      expect(result.readFromDisk).toBe(files);
      expect(result.media.kind).toBe('fuse');
    } finally {
      stats = await disk.unmount();
    }
    expect(stats.reads).toBeGreaterThanOrEqual(files * 2);
    expect(stats.seeks).toBeLessThanOrEqual(files + stats.readdirs);
  }, 30_000);
});
