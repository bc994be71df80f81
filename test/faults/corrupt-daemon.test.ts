/**
 * Fault 1 of issue 15, through the real daemon: its scan cache and settings file each damaged (a
 * byte flipped, cut in half, emptied) between two runs. The restart must say which files it could
 * not trust (on the terminal, naming them), rescan, and publish the same ids as before.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav } from '../e2e/helpers';
import { buildDaemon, startDaemon } from './daemon';
import { damage, type Damage, FULL, tempDir } from './helpers';

let hub: Hub;
let dir: string;
let music: string;
beforeAll(async () => {
  buildDaemon();
  hub = await startHub();
  dir = await tempDir('corruptd');
  music = path.join(dir, 'music');
  await mkdir(music);
  for (let i = 0; i < 3; i++)
    await writeFile(path.join(music, `t${i}.wav`), makeWav(80_000 + i, 500 + i));
}, 120_000);
afterAll(async () => {
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

const PUBLISHED = /3 tracks published|published 3 tracks/;
const ids = () =>
  hub
    .tracks()
    .map((t) => t.id)
    .sort();

const CASES: [string, (len: number) => Damage][] = [
  ['a byte flipped in the middle', (len) => ({ kind: 'flip', at: len >> 1, bit: 1 })],
  ['cut in half', () => ({ kind: 'half' })],
  ['zero length', () => ({ kind: 'empty' })],
];

// The fast subset restarts on a flipped byte only (corrupt-state.test.ts covers every damage).
it.each(FULL ? CASES : CASES.slice(0, 1))(
  'state files %s: the restart names them, rescans and publishes the same ids',
  async (_, how) => {
    const state = path.join(dir, `state-${Math.random().toString(36).slice(2)}`);
    const args = ['--server', hub.url, '--share', music, '--state-dir', state];
    const env = { TUNECAMP_TOKEN: 'tc_good' };
    const first = startDaemon(args, env);
    await first.waitFor(PUBLISHED);
    const expected = ids();
    expect(await first.stop()).toBe(0);

    const cacheFile = path.join(state, 'scan-cache.json');
    const settingsFile = path.join(state, 'settings.json');
    for (const f of [cacheFile, settingsFile]) {
      const bytes = await readFile(f);
      await writeFile(f, damage(bytes, how(bytes.length)));
    }
    const second = startDaemon(args, env);
    await second.waitFor(PUBLISHED);
    expect(ids()).toEqual(expected);
    expect(await second.stop()).toBe(0);
    const out = second.out();
    expect(out).toContain(`Scan cache ${cacheFile}`);
    expect(out).toContain(`Settings file ${settingsFile}`);
  },
  60_000,
);
