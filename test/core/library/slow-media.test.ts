import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mediaOf } from '../../../src/main/core/fs/media';
import { Library } from '../../../src/main/core/library/library';
import { ParsePool } from '../../../src/main/core/library/parse-pool';
import { ScanCache } from '../../../src/main/core/library/scan-cache';
import { place, removeDir, SAMPLES, tempDir } from './helpers';

/**
 * A scan of a folder on a FUSE mount that serves one request at a time and counts a "seek" for
 * every read not contiguous with the previous one (bench/slow-disk.py, as in `npm run bench`).
 * Needs root, /dev/fuse and Debian's python3-fusepy (.ci/run installs it).
 */
const SLOW_DISK = path.resolve(import.meta.dirname, '../../../bench/slow-disk.py');

function canMount(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import fusepy'], { stdio: 'ignore' });
    execFileSync('test', ['-c', '/dev/fuse']);
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

interface Stats {
  seeks: number;
  reads: number;
  readdirs: number;
}

async function mount(source: string, at: string): Promise<() => Promise<Stats>> {
  await mkdir(at, { recursive: true });
  const statsFile = `${at}.json`;
  const args = [SLOW_DISK, source, at, '--seek-ms', '1', '--stats', statsFile];
  const child = spawn('/usr/bin/python3', args, { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  const parent = (await stat(path.dirname(at))).dev;
  for (let i = 0; (await stat(at)).dev === parent; i++) {
    if (i > 200) throw new Error('the slow disk did not mount');
    await new Promise((r) => setTimeout(r, 25));
  }
  return async () => {
    child.kill('SIGTERM');
    await exited;
    return JSON.parse(await readFile(statsFile, 'utf8')) as Stats;
  };
}

let dir: string;
beforeEach(async () => {
  dir = await tempDir('tc-slow-');
});
afterEach(async () => {
  await removeDir(dir);
});

describe.skipIf(!canMount())('a scan on a slow medium (FUSE)', () => {
  it('is told apart, and reads one file at a time in name order: one seek per file', async () => {
    const files = 60;
    // 413 KB each: the kernel asks FUSE for it in several requests, which two files read at once
    // may interleave (a seek between every two).
    for (let i = 0; i < files; i++)
      await place(SAMPLES.flac, path.join(dir, 'src', `${String(i).padStart(2, '0')}.flac`));
    const unmount = await mount(path.join(dir, 'src'), path.join(dir, 'mnt'));
    let stats: Stats;
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
      stats = await unmount();
    }
    expect(stats.reads).toBeGreaterThanOrEqual(files * 2);
    expect(stats.seeks).toBeLessThanOrEqual(files + stats.readdirs);
  }, 30_000);
});
