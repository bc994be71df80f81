/**
 * The state dir lock (issue 15: two daemons taking over one stale lock at once). After a crash
 * the lock names a dead pid; two daemons that start together both read it. Each used to remove
 * the lock and create its own: the second removal took away the first's fresh lock, and both
 * ran. Here eight "daemons" (pids 9001-9008, alive; the crashed one, 4242, dead) race in one
 * process, so every interleaving of their awaits is tried over 60 rounds; exactly one may win.
 */
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockStateDir } from '../../../src/main/core/fs/state-lock';

const DEAD = 4242;
const alive = (pid: number) => pid >= 9000;
let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function race(n: number): Promise<{ winners: number[]; refused: string[] }> {
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      lockStateDir(dir, { pid: 9001 + i, isAlive: alive }).then(() => 9001 + i),
    ),
  );
  const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  expect(winners).toHaveLength(1);
  expect(Number(await readFile(path.join(dir, 'daemon.lock'), 'utf8'))).toBe(winners[0]);
  return { winners, refused };
}

describe('lockStateDir', () => {
  it('takes a free dir, refuses a second holder by pid, and releases', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lock-'));
    const release = await lockStateDir(dir, { pid: 9001, isAlive: alive });
    await expect(lockStateDir(dir, { pid: 9002, isAlive: alive })).rejects.toThrow(
      `Another tunecamp-share (pid 9001) is already using ${dir}.`,
    );
    await release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('exactly one of eight daemons takes over a stale lock, in every one of 60 rounds', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lock-'));
    const tally = new Map<number, number>();
    for (let round = 0; round < 60; round++) {
      await rm(path.join(dir, 'daemon.lock'), { force: true });
      // Half the rounds a plain stale file, half a symbolic link (the full-disk form).
      if (round % 2) await writeFile(path.join(dir, 'daemon.lock'), String(DEAD));
      else await symlink(String(DEAD), path.join(dir, 'daemon.lock'));
      const { winners, refused } = await race(8);
      tally.set(winners.length, (tally.get(winners.length) ?? 0) + 1);
      expect(winners, `round ${round}`).toHaveLength(1);
      expect(refused).toHaveLength(7);
      for (const r of refused) expect(r).toContain(`(pid ${winners[0]}) is already using`);
      // Nothing of the takeover is left beside the lock.
      expect((await readdir(dir)).sort()).toEqual(['daemon.lock']);
    }
    expect(tally.get(1)).toBe(60);
  });

  it('an empty lock (a crash between create and write, from older builds) is taken over', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lock-'));
    await writeFile(path.join(dir, 'daemon.lock'), '');
    const { winners } = await race(4);
    expect(winners).toHaveLength(1);
  });

  it('a takeover marker left by a daemon killed mid-takeover does not block the next start', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lock-'));
    await writeFile(path.join(dir, 'daemon.lock'), String(DEAD));
    // The marker a taker makes, left behind (its maker, pid 4343, is dead).
    await writeFile(path.join(dir, `daemon.lock.takeover-${DEAD}`), '4343');
    const release = await lockStateDir(dir, { pid: 9001, isAlive: alive });
    expect(await readFile(path.join(dir, 'daemon.lock'), 'utf8')).toBe('9001');
    expect((await readdir(dir)).sort()).toEqual(['daemon.lock']);
    await release();
  });
});
