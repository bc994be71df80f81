/**
 * Fault 8 of issue 15: a shared folder's drive is unmounted while a track streams from it. The
 * "drive" is a tmpfs bind-mounted at the shared path; `umount -l` takes it away mid-stream. The
 * listener must get the file's bytes or a shorter prefix of them (chunk_error), never other bytes;
 * the folder must go offline (its tracks withheld) and come back, same ids, when remounted.
 * Root only; skips and says why otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { fetchAll, makeWav, startEngine } from '../e2e/helpers';
import {
  CAN_MOUNT,
  FULL,
  mountTmpfs,
  sayIfSkipped,
  streamWithFault,
  tempDir,
  type Tmpfs,
} from './helpers';

sayIfSkipped('the unmounted drive (unmount.test.ts)');
if (!FULL)
  process.stderr.write('faults: the unmounted drive runs in npm run faults only (~40 s)\n');

const SIZE = 6 * 1024 * 1024;

describe.runIf(CAN_MOUNT && FULL)('a drive unmounted mid-stream', () => {
  let hub: Hub;
  let drive: Tmpfs;
  let dir: string;
  let share: string;
  let bytes: Buffer;
  beforeAll(async () => {
    hub = await startHub();
    drive = await mountTmpfs(16 * 1024 * 1024);
    bytes = makeWav(SIZE, 99);
    await writeFile(path.join(drive.dir, 'long.wav'), bytes);
    dir = await tempDir('unmount');
    share = path.join(dir, 'drive');
    await mkdir(share);
    execFileSync('mount', ['--bind', drive.dir, share]);
  });
  afterAll(async () => {
    spawnSync('umount', ['-l', share]); // if a failed case left it mounted
    await drive?.unmount();
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ends the stream cleanly, shows the folder offline, and brings it back on remount', async () => {
    const { engine, stop } = await startEngine(hub, [share], {
      settings: { uploadRateLimit: 1024 * 1024 }, // about 6 s for the track: time to unmount
    });
    try {
      await hub.waitFor(() => hub.tracks().length === 1, 15_000);
      const id = hub.tracks()[0]!.id;
      const session = hub.sessions().at(-1)!;
      const { body, ended, faulted } = await streamWithFault(
        `${hub.url}/api/peers/${session.id}/tracks/${id}/stream?token=tc_good`,
        SIZE / 4,
        () => void execFileSync('umount', ['-l', share]),
      );
      expect(faulted).toBe(true);
      // Every byte the listener got is the file's; a short body is a prefix (chunk_error).
      expect(body.equals(bytes.subarray(0, body.length))).toBe(true);
      const errors = () => hub.received.filter((f) => f.type === 'chunk_error').length;
      const during = errors();
      // Asked again before the engine has noticed: the file is gone, so a chunk_error (500).
      const again = await fetchAll(
        `${hub.url}/api/peers/${session.id}/tracks/${id}/stream?token=tc_good`,
      );
      expect(again.status).toBe(500);
      expect(errors()).toBe(during + 1);
      const t0 = performance.now();
      const folders = async () => (await engine.invoke('getSnapshot')).folders.map((f) => f.state);
      // A bind mount's file system stays mounted elsewhere, so no inotify IN_UNMOUNT comes; the
      // failed request checks the folder at once (the 30 s health check would, later).
      await expect.poll(folders, { timeout: 3_000, interval: 100 }).toEqual(['offline']);
      const offlineAfter = performance.now() - t0;
      await hub.waitFor(() => hub.tracks().length === 0, 5_000);
      process.stderr.write(
        `faults: unmounted at ${SIZE / 4} B; the listener got ${body.length} of ${SIZE} B (${ended}), chunk_error frames during it: ${during}; a new request: ${again.status}; offline after ${Math.round(offlineAfter)} ms\n`,
      );

      execFileSync('mount', ['--bind', drive.dir, share]);
      await expect.poll(folders, { timeout: 8_000, interval: 100 }).not.toEqual(['offline']);
      await hub.waitFor(() => hub.tracks().length === 1, 8_000);
      expect(hub.tracks()[0]!.id).toBe(id);
    } finally {
      await stop();
    }
  }, 90_000);
});
