/**
 * Issue 15 (found, not fixed until now): on a full disk the daemon's lock file was created empty
 * (its pid could not be written), so a second daemon on the same state dir read no pid and took
 * the lock over: two daemons on one state dir, knocking each other off the server. The lock must
 * name its holder even then. Root only (a full tmpfs); skips and says why otherwise.
 */
import { lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav } from '../e2e/helpers';
import { buildDaemon, startDaemon } from './daemon';
import { CAN_MOUNT, fillDisk, mountTmpfs, sayIfSkipped, tempDir, type Tmpfs } from './helpers';

sayIfSkipped('the lock on a full disk (lock-full-disk.test.ts)');

describe.skipIf(!CAN_MOUNT)('the state dir lock on a full disk', () => {
  let hub: Hub;
  let dir: string;
  let fs: Tmpfs;
  beforeAll(async () => {
    buildDaemon();
    hub = await startHub();
    dir = await tempDir('lockfull');
    await mkdir(path.join(dir, 'music'));
    await writeFile(path.join(dir, 'music', 'a.wav'), makeWav(100_000, 2));
    fs = await mountTmpfs(256 * 1024);
  }, 120_000);
  afterAll(async () => {
    await fs?.unmount();
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a second daemon is refused, naming the first, and the first keeps the lock', async () => {
    const state = path.join(fs.dir, 'state');
    await mkdir(state);
    await fillDisk(fs.dir);
    const args = ['--server', hub.url, '--share', path.join(dir, 'music'), '--state-dir', state];
    const env = { TUNECAMP_TOKEN: 'tc_good' };
    const first = startDaemon(args, env);
    try {
      await first.waitFor(/1 tracks published|published 1 tracks/);
      const lock = await lstat(path.join(state, 'daemon.lock'));
      expect(lock.isSymbolicLink() || lock.size > 0).toBe(true);
      const second = startDaemon(args, env);
      const code = await new Promise<number | null>((r) => second.child.once('exit', r));
      expect(second.out()).toMatch(
        new RegExp(`Another tunecamp-share \\(pid ${first.child.pid}\\) is already using`),
      );
      expect(code).toBe(1);
      expect(first.child.exitCode).toBe(null);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect((await readdir(state)).filter((n) => n.includes('lock'))).toEqual([]);
  }, 60_000);
});
