/**
 * Fault 4 of issue 15: the daemon's state folder deleted while it runs, or made read-only (a tmpfs
 * remounted `ro`, root only). The daemon must keep publishing and streaming, say once what it
 * could not save, exit 0, and start cleanly afterwards.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav } from '../e2e/helpers';
import { buildDaemon, startDaemon, streamsWhole } from './daemon';
import { CAN_MOUNT, mountTmpfs, sayIfSkipped, tempDir } from './helpers';

sayIfSkipped('the read-only state folder (state-folder.test.ts)');

let hub: Hub;
let dir: string;
const files = new Map<string, Buffer>();
beforeAll(async () => {
  buildDaemon();
  hub = await startHub();
  dir = await tempDir('statedir');
}, 120_000);
afterAll(async () => {
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A music folder of `n` seeded WAVs. */
async function music(name: string, n: number): Promise<string> {
  const m = path.join(dir, name);
  await mkdir(m);
  for (let i = 0; i < n; i++) await addTrack(m, i);
  return m;
}

async function addTrack(m: string, i: number): Promise<void> {
  const bytes = makeWav(100_000 + i * 100, 300 + i);
  files.set(`${m}/${i}`, bytes);
  await writeFile(path.join(m, `t${i}.wav`), bytes);
}

const published = (n: number) => new RegExp(`(${n} tracks published|published ${n} tracks)`);

describe('the state folder', () => {
  it('deleted while the daemon runs: it keeps serving and writes its state again', async () => {
    const m = await music('music-deleted', 2);
    const state = path.join(dir, 'state-deleted');
    const d = startDaemon(['--server', hub.url, '--share', m, '--state-dir', state], {
      TUNECAMP_TOKEN: 'tc_good',
    });
    await d.waitFor(published(2));
    await rm(state, { recursive: true, force: true });
    await addTrack(m, 2);
    await d.waitFor(published(3));
    expect(await streamsWhole(hub, files)).toBe(true);
    expect(await d.stop()).toBe(0);
    const cache = JSON.parse(await readFile(path.join(state, 'scan-cache.json'), 'utf8')) as {
      records: object;
    };
    expect(Object.keys(cache.records)).toHaveLength(3);
  }, 60_000);

  it.skipIf(!CAN_MOUNT)(
    'read-only: it keeps serving, says once what it could not save, exits 0, restarts cleanly',
    async () => {
      const m = await music('music-ro', 2);
      const fs = await mountTmpfs(4 * 1024 * 1024);
      try {
        const state = path.join(fs.dir, 'state');
        const args = ['--server', hub.url, '--share', m, '--state-dir', state];
        const d = startDaemon(args, { TUNECAMP_TOKEN: 'tc_good' });
        await d.waitFor(published(2));
        await new Promise((r) => setTimeout(r, 2500)); // the first scan's cache save
        fs.remount(true);
        await addTrack(m, 2);
        await d.waitFor(published(3));
        await d.waitFor(/Scan cache .* could not be saved \(the disk is read-only\)/, 10_000);
        expect(await streamsWhole(hub, files)).toBe(true);
        expect(await d.stop()).toBe(0);
        expect(d.out().match(/could not be saved \(the disk is read-only\)/g)).toHaveLength(1);
        expect(d.out()).toMatch(/not saved: .*scan cache \(the disk is read-only\)/);
        fs.remount(false);
        const again = startDaemon(args, { TUNECAMP_TOKEN: 'tc_good' });
        await again.waitFor(published(3));
        expect(await again.stop()).toBe(0);
      } finally {
        await fs.unmount();
      }
    },
    60_000,
  );
});
