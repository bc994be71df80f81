import type { Stats } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChangeCoalescer } from '../../../src/main/core/watch/coalescer';
import { toIgnored } from '../../../src/main/core/watch/ignored';
import { networkTypeOf, parseMounts } from '../../../src/main/core/watch/network-fs';
import { checkRoot, formatInterval } from '../../../src/main/core/watch/root-check';
import { nextSafetyRescanDelay } from '../../../src/main/core/watch/safety-rescan';
import { sleep, tempDir, testExclude } from './helpers';

const MOUNTS = [
  '/dev/sda1 / ext4 rw,relatime 0 0',
  'proc /proc proc rw 0 0',
  '//nas/music /mnt/nas\\040music cifs rw,vers=3.0 0 0',
  'server:/export /srv/nfs nfs4 rw 0 0',
  '/dev/sdb1 /srv/nfs/local ext4 rw 0 0',
  'user@host:/ /home/u/remote fuse.sshfs rw 0 0',
].join('\n');

describe('network filesystem detection', () => {
  const mounts = parseMounts(MOUNTS);
  it('unescapes mount points and finds the longest matching mount', () => {
    expect(mounts.find((m) => m.type === 'cifs')?.mountPoint).toBe('/mnt/nas music');
    expect(networkTypeOf(mounts, '/mnt/nas music/Albums')).toBe('cifs');
    expect(networkTypeOf(mounts, '/srv/nfs/Albums')).toBe('nfs4');
    expect(networkTypeOf(mounts, '/srv/nfs/local/Albums')).toBeNull();
    expect(networkTypeOf(mounts, '/home/u/remote')).toBe('fuse.sshfs');
    expect(networkTypeOf(mounts, '/home/u/Music')).toBeNull();
    expect(networkTypeOf(mounts, '/mnt/nas')).toBeNull();
  });
});

describe('checkRoot', () => {
  it('reads an empty folder on another device as an unmounted drive', async () => {
    const t = await tempDir();
    try {
      const first = await checkRoot(t.dir);
      expect(first.online).toBe(true);
      const dev = first.online ? first.dev : -1;
      expect(await checkRoot(t.dir, dev)).toEqual({ online: true, dev });
      expect(await checkRoot(t.dir, dev + 1)).toEqual({
        online: false,
        reason: `Folder not found: ${t.dir} (drive or share not mounted)`,
      });
      await writeFile(path.join(t.dir, 'a.mp3'), 'a');
      expect((await checkRoot(t.dir, dev + 1)).online).toBe(true);
      expect(await checkRoot(path.join(t.dir, 'a.mp3'))).toEqual({
        online: false,
        reason: `Not a folder: ${path.join(t.dir, 'a.mp3')}`,
      });
      expect(await checkRoot(path.join(t.dir, 'nope'))).toEqual({
        online: false,
        reason: `Folder not found: ${path.join(t.dir, 'nope')}`,
      });
    } finally {
      await t.cleanup();
    }
  });
});

describe('toIgnored', () => {
  const root = path.resolve('/music');
  const ignored = toIgnored(root, testExclude);
  const dir = { isDirectory: () => true } as Stats;
  const file = { isDirectory: () => false } as Stats;
  it('never ignores the root and asks the excluder with the right kind', () => {
    expect(ignored(root)).toBe(false);
    expect(ignored(root, dir)).toBe(false);
    expect(ignored(path.join(root, '.hidden'))).toBe(true);
    expect(ignored(path.join(root, 'Excluded'))).toBe(false); // kind unknown yet
    expect(ignored(path.join(root, 'Excluded'), dir)).toBe(true);
    expect(ignored(path.join(root, 'Excluded'), file)).toBe(false);
    expect(ignored(path.join(root, 'a', 'b.mp3'), file)).toBe(false);
  });
});

describe('ChangeCoalescer', () => {
  it('emits once after quiet, and at maxWait during a burst that never goes quiet', async () => {
    const batches: string[][] = [];
    const c = new ChangeCoalescer({ quietMs: 80, maxWaitMs: 300, flush: (p) => batches.push(p) });
    c.add('a');
    c.add('b');
    c.add('a');
    await sleep(200);
    expect(batches).toEqual([['a', 'b']]);
    const start = Date.now();
    while (Date.now() - start < 500) {
      c.add(`x${Date.now()}`);
      await sleep(20);
    }
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.length).toBeLessThanOrEqual(4);
    c.clear();
    await sleep(150);
    const n = batches.length;
    expect(c.pending).toBe(0);
    await sleep(100);
    expect(batches.length).toBe(n);
  });
});

describe('ChangeCoalescer while files are settling', () => {
  it('waits past the quiet period while busy, but not past maxWait', async () => {
    const batches: string[][] = [];
    let busy = true;
    const c = new ChangeCoalescer({
      quietMs: 50,
      maxWaitMs: 400,
      flush: (p) => batches.push(p),
      busy: () => busy,
    });
    c.add('a');
    await sleep(200);
    expect(batches).toEqual([]);
    await sleep(350);
    expect(batches).toEqual([['a']]);
    busy = false;
    c.add('b');
    await sleep(150);
    expect(batches).toEqual([['a'], ['b']]);
  });
});

describe('nextSafetyRescanDelay', () => {
  it('stays within ±10 % of the interval', () => {
    expect(nextSafetyRescanDelay(6, () => 0)).toBe(0.9 * 6 * 3_600_000);
    expect(nextSafetyRescanDelay(6, () => 0.5)).toBe(6 * 3_600_000);
    expect(nextSafetyRescanDelay(6, () => 0.999999)).toBeLessThanOrEqual(1.1 * 6 * 3_600_000);
    expect(nextSafetyRescanDelay(6, () => 0.999999)).toBeGreaterThan(1.09 * 6 * 3_600_000);
  });
  it('never returns less than a minute or NaN', () => {
    expect(nextSafetyRescanDelay(0.001, () => 0)).toBe(60_000);
    expect(nextSafetyRescanDelay(Number.NaN, () => 0.5)).toBe(6 * 3_600_000);
  });
});

describe('formatInterval', () => {
  it('words intervals for reasons', () => {
    expect(formatInterval(60_000)).toBe('60 s');
    expect(formatInterval(300_000)).toBe('5 min');
    expect(formatInterval(150)).toBe('150 ms');
  });
});
