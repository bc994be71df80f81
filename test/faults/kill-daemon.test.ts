/**
 * Fault 2 of issue 15, through the real daemon: `kill -9` at a random moment of its start (the
 * settings write), or just after SIGTERM (the shutdown's cache save), while a file's mtime changes
 * between runs so each run has a new cache to write. After each kill the state must read cleanly,
 * and a restart must publish the same track ids and leave no temp file behind.
 */
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ScanCache } from '../../src/main/core/library/scan-cache';
import { ConfSettingsStore } from '../../src/main/core/settings/store';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav } from '../e2e/helpers';
import { buildDaemon, startDaemon } from './daemon';
import { FULL, prng, tempDir } from './helpers';

const KILLS = FULL ? 40 : 3;
const PUBLISHED = /connected to .*, 4 tracks published|published 4 tracks/;
let hub: Hub;
let dir: string;
let music: string;

beforeAll(async () => {
  buildDaemon();
  hub = await startHub();
  dir = await tempDir('killd');
  music = path.join(dir, 'music');
  await mkdir(music);
  for (let i = 0; i < 4; i++)
    await writeFile(path.join(music, `t${i}.wav`), makeWav(200_000 + i * 500, 70 + i));
}, 120_000);
afterAll(async () => {
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = () =>
  hub
    .tracks()
    .map((t) => t.id)
    .sort();

it(`after ${KILLS} kill -9s of the daemon, a restart reads clean state and publishes the same ids`, async () => {
  const state = path.join(dir, 'state');
  const args = ['--server', hub.url, '--share', music, '--state-dir', state];
  const env = { TUNECAMP_TOKEN: 'tc_good' };
  const random = prng(0x9);

  const reference = startDaemon(args, env);
  await reference.waitFor(PUBLISHED);
  const expected = ids();
  expect(await reference.stop()).toBe(0);

  for (let k = 0; k < KILLS; k++) {
    const t = path.join(music, `t${k % 4}.wav`);
    const when = new Date(Date.now() - (k + 1) * 60_000);
    await utimes(t, when, when); // a new mtime: the file is re-read and the cache changes
    const d = startDaemon(args, env);
    if (k % 2 === 0) {
      await sleep(200 + (random() % 1200)); // during start: lock, settings write, first scan
    } else {
      await d.waitFor(PUBLISHED);
      d.child.kill('SIGTERM'); // the shutdown saves the cache...
      await sleep(random() % 40); // ...and is cut somewhere in it
    }
    await d.stop('SIGKILL');
    const cache = await ScanCache.open(path.join(state, 'scan-cache.json'));
    expect(cache.warnings, `kill ${k + 1}`).toEqual([]);
    expect(new ConfSettingsStore(state).problems, `kill ${k + 1}`).toEqual([]);
  }

  const after = startDaemon(args, env);
  await after.waitFor(PUBLISHED);
  expect(ids()).toEqual(expected);
  expect((await readdir(state)).filter((n) => /\.tmp/.test(n))).toEqual([]);
  expect(await after.stop()).toBe(0);
}, 300_000);
