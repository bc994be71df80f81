import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGet } from '../../../src/main/cli/get';
import { fetchTrack } from '../../../src/main/core/lan/downloads/fetch-track';
import { bearerFetch } from '../../../src/main/core/lan/downloads/transport';
import { addReal, paced } from './download-helpers';
import { bytes, startRig, type Rig } from './helpers';

let rig: Rig | null = null;
let out = '';
afterEach(async () => {
  vi.restoreAllMocks();
  await rig?.close();
  rig = null;
  if (out) await rm(out, { recursive: true, force: true });
});

async function get(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let o = '';
  let e = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((o += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((e += String(s)), true));
  const code = await runGet(args, {});
  vi.restoreAllMocks();
  return { code, out: o, err: e };
}

describe('tunecamp-share get', () => {
  it('carries on from a part a previous run left, and prints the file', async () => {
    rig = await startRig();
    out = await mkdtemp(path.join(os.tmpdir(), 'tcs-get-'));
    const data = bytes(6 * 1024 * 1024);
    const t = await addReal(rig, data);
    const dest = path.join(out, 'music', `${t.id}.flac`);
    const ctrl = new AbortController();
    await import('node:fs/promises').then((f) => f.mkdir(path.dirname(dest)));
    await fetchTrack(
      { url: rig.url(t.id), trackId: t.id, dest },
      {
        fetch: paced(bearerFetch(rig.token), 8 * 1024 * 1024),
        signal: ctrl.signal,
        onProgress: (p) => p.confirmed > 2 * 1024 * 1024 && ctrl.abort('stop'),
      },
    ).catch(() => undefined);
    const confirmed = JSON.parse(await readFile(`${dest}.part.json`, 'utf8')).confirmed;
    expect(confirmed).toBeGreaterThan(0);
    await writeFile(path.join(out, 'token'), `${rig.token}\n`);
    const run = await get([
      rig.base,
      t.id,
      '--to',
      path.join(out, 'music'),
      '--token-file',
      path.join(out, 'token'),
    ]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toBe(`${dest}\n`);
    expect((await readFile(dest)).equals(data)).toBe(true);
  });

  it('says when the token is refused (exit 3) and what is wrong with the command line (exit 2)', async () => {
    rig = await startRig();
    out = await mkdtemp(path.join(os.tmpdir(), 'tcs-get-'));
    const t = await addReal(rig, bytes(1000));
    const refused = await get([rig.base, t.id, '--to', out]);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/refused the token \(401\)/);
    const bad = await get([rig.base, '--to', out]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/at least one TRACK_ID/);
    expect((await get(['--help'])).out).toMatch(/get PEER PATH\|TRACK_ID/);
  });
});
