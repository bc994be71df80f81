/**
 * Fault 3 of issue 15, through the real daemon: its state folder is a tmpfs filled to the last
 * byte before it starts (first scan, settings, lock, cache and shutdown all meet ENOSPC). It must
 * connect, publish, stream through the hub, say what it could not save, exit 0 with the lock
 * released and no half-written file; given space again, it publishes the same ids and saves.
 * Root only (a tmpfs); skips and says why otherwise.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav } from '../e2e/helpers';
import { buildDaemon, startDaemon, streamsWhole } from './daemon';
import {
  CAN_MOUNT,
  fillDisk,
  freeDisk,
  mountTmpfs,
  sayIfSkipped,
  tempDir,
  type Tmpfs,
} from './helpers';

sayIfSkipped('the daemon on a full disk (daemon-full-disk.test.ts)');

describe.skipIf(!CAN_MOUNT)('the daemon with its state folder on a full disk', () => {
  let hub: Hub;
  let dir: string;
  let music: string;
  let fs: Tmpfs;
  const files = new Map<string, Buffer>();

  beforeAll(async () => {
    buildDaemon();
    hub = await startHub();
    dir = await tempDir('fulldisk');
    music = path.join(dir, 'music');
    await mkdir(music);
    for (let i = 0; i < 3; i++) {
      const bytes = makeWav(300_000 + i * 1000, 40 + i);
      files.set(`t${i}.wav`, bytes);
      await writeFile(path.join(music, `t${i}.wav`), bytes);
    }
    fs = await mountTmpfs(1024 * 1024);
  }, 120_000);
  afterAll(async () => {
    await fs?.unmount();
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves, says what it could not save, exits 0, and catches up when space returns', async () => {
    const state = path.join(fs.dir, 'state');
    await mkdir(state);
    const filler = await fillDisk(fs.dir);
    const args = ['--server', hub.url, '--share', music, '--state-dir', state];
    const env = { TUNECAMP_TOKEN: 'tc_good' };

    const first = startDaemon(args, env);
    await first.waitFor(/connected to .*, 3 tracks published|published 3 tracks/);
    expect(await streamsWhole(hub, files)).toBe(true);
    const ids = hub
      .tracks()
      .map((t) => t.id)
      .sort();
    expect(await first.stop()).toBe(0);
    const out = first.out();
    expect(out).toMatch(/Settings could not be saved to .*settings\.json \(the disk is full\)/);
    expect(out.match(/not saved: .*scan cache \(the disk is full\)/g)).toHaveLength(1);
    expect(out).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const left = await readdir(state);
    expect(left.filter((n) => /\.tmp|daemon\.lock/.test(n))).toEqual([]);
    for (const n of left.filter((x) => x.endsWith('.json')))
      expect(() => JSON.parse(readFileSync(path.join(state, n), 'utf8')), n).not.toThrow();

    await freeDisk(filler);
    const second = startDaemon(args, env);
    await second.waitFor(/connected to .*, 3 tracks published|published 3 tracks/);
    expect(
      hub
        .tracks()
        .map((t) => t.id)
        .sort(),
    ).toEqual(ids);
    expect(await second.stop()).toBe(0);
    const cache = JSON.parse(await readFile(path.join(state, 'scan-cache.json'), 'utf8')) as {
      records: Record<string, unknown>;
    };
    expect(Object.keys(cache.records)).toHaveLength(3);
  }, 90_000);
});
