/**
 * Fault 2 of issue 15: `kill -9` at random moments while the scan cache, the settings and the token
 * are written. After each kill, what a restart reads must be the old or the new state of each file,
 * never a mix, never unreadable; and what the killed writers left behind is swept at the next start.
 * 20 kills here, 200 in `npm run faults`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeStaleTemps } from '../../src/main/core/fs/stale-temps';
import { FULL, prng, tempDir } from './helpers';
import { readGenerations } from './kill-state';

const WRITER = path.join(import.meta.dirname, 'kill-writer.ts');
const KILLS = FULL ? 200 : 20;
const RECORDS = 300;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the writer at generation `first`, kills it `delayMs` after its first `begin`. */
async function killWriter(dir: string, first: number, delayMs: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WRITER, dir, `${first}`, `${RECORDS}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const closed = once(child, 'close');
  for (let waited = 0; !out.includes('begin'); waited += 10) {
    if (waited > 20_000 || child.exitCode !== null) throw new Error(`writer did not start: ${err}`);
    await sleep(10);
  }
  await sleep(delayMs);
  child.kill('SIGKILL');
  await closed;
  const gens = (word: string) =>
    [...out.matchAll(new RegExp(`${word} (\\d+)`, 'g'))].map((m) => +m[1]!);
  return { begun: gens('begin'), done: gens('done'), err };
}

it(`after ${KILLS} kills at random moments, a restart reads old or new state, never a mix`, async () => {
  const dir = await tempDir('kill');
  dirs.push(dir);
  const random = prng(0x15);
  // The state before any write: no cache, default settings (0), no token.
  let state: { cache: number | 'empty'; settings: number; token: number | null } = {
    cache: 'empty',
    settings: 0,
    token: null,
  };
  let next = 1;
  const seen = { old: 0, new: 0 };
  for (let k = 0; k < KILLS; k++) {
    const { begun, done, err } = await killWriter(dir, next, random() % 120);
    const lastBegun = Math.max(...begun);
    const lastDone = done.length > 0 ? Math.max(...done) : undefined;
    const found = await readGenerations(dir, RECORDS);
    const where = `kill ${k + 1} (generations ${begun.join(',')} begun, ${done.join(',') || 'none'} done) ${err}`;
    expect(found.problems, where).toEqual([]);
    for (const part of ['cache', 'settings', 'token'] as const) {
      // Old: what the last finished generation (or the state before this run) left; new: the one cut.
      const old = lastDone ?? state[part];
      expect([old, lastBegun], `${part}, ${where}`).toContain(found[part]);
      seen[found[part] === lastBegun && lastBegun !== lastDone ? 'new' : 'old']++;
    }
    state = { cache: found.cache, settings: found.settings, token: found.token };
    next = lastBegun + 1;
    // A restart sweeps what the killed writer left half-written.
    await removeStaleTemps(dir);
    const left = (await readdir(dir)).filter((n) => /\.tmp/.test(n));
    expect(left, where).toEqual([]);
  }
  process.stderr.write(`faults: ${KILLS} kills; parts found new ${seen.new}, old ${seen.old}\n`);
}, 600_000);
