import { readFile, readdir, writeFile, mkdtemp, rm, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchTrack } from '../../../src/main/core/lan/downloads/fetch-track';
import { DownloadQueue, type DownloadStatus } from '../../../src/main/core/lan/downloads/queue';
import { bearerFetch } from '../../../src/main/core/lan/downloads/transport';
import { idFromBuffer } from '../../../src/main/core/library/fingerprint';
import {
  addReal,
  changeMiddle,
  paced,
  quirkyServer,
  recorded,
  restartServer,
  stallOnce,
  type Seen,
} from './download-helpers';
import { bytes, startRig, type Rig } from './helpers';

const MiB = 1024 * 1024;
const fast = { retryDelay: () => 50, maxAttempts: 40, stallMs: 3000 };
let rig: Rig | null = null;
let out = '';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await rig?.close();
  rig = null;
  if (out) await rm(out, { recursive: true, force: true });
  out = '';
});

async function setup(): Promise<Rig> {
  rig = await startRig();
  out = await mkdtemp(path.join(os.tmpdir(), 'tcs-dl-'));
  return rig;
}

describe('resumable downloads from the LAN server', () => {
  it('resumes after the server is killed mid-transfer; little is fetched twice', async () => {
    const r = await setup();
    const data = bytes(24 * MiB + 123);
    const t = await addReal(r, data);
    const port = r.server.port;
    const seen: Seen[] = [];
    let killed = false;
    const res = await fetchTrack(
      { url: r.url(t.id), trackId: t.id, dest: path.join(out, 'song.flac') },
      {
        ...fast,
        fetch: recorded(bearerFetch(r.token), seen),
        signal: new AbortController().signal,
        onProgress: (p) => {
          if (killed || p.received < 10 * MiB) return;
          killed = true;
          // The peer goes away with the body half sent, and comes back 300 ms later.
          void r.server
            .close()
            .then(() => new Promise((ok) => setTimeout(ok, 300)))
            .then(() => restartServer(r, port));
        },
      },
    );
    expect(killed).toBe(true);
    expect((await readFile(res.file)).equals(data)).toBe(true);
    const resumed = seen.find((s) => s.status === 206);
    expect(resumed?.range).toMatch(/^bytes=\d+-$/);
    expect(resumed?.ifRange).toMatch(/^".+"$/);
    // Only what was received but not yet fsynced is fetched again (2 MiB commits, 1 MiB writes).
    expect(res.fetched - data.length).toBeLessThan(4 * MiB);
    expect(await readdir(out)).toEqual(['song.flac']);
  });

  it('a connection that goes silent (sleep, unplugged peer) times out and resumes', async () => {
    const r = await setup();
    const data = bytes(6 * MiB);
    const t = await addReal(r, data);
    const seen: Seen[] = [];
    const retries: string[] = [];
    const t0 = Date.now();
    const res = await fetchTrack(
      { url: r.url(t.id), trackId: t.id, dest: path.join(out, 'song.flac') },
      {
        ...fast,
        stallMs: 400,
        fetch: stallOnce(recorded(bearerFetch(r.token), seen), 3 * MiB),
        signal: new AbortController().signal,
        onRetry: (e) => retries.push(e.message),
      },
    );
    expect((await readFile(res.file)).equals(data)).toBe(true);
    expect(retries).toEqual(['No data for 0.4 s: reconnecting']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(seen[1]).toMatchObject({ status: 206 });
    expect(seen[1]?.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('a new queue instance carries on from the sidecar, asking only for the rest', async () => {
    const r = await setup();
    const data = bytes(12 * MiB + 5);
    const t = await addReal(r, data);
    const stateFile = path.join(out, 'state', 'downloads.json');
    const seen: Seen[] = [];
    const transport = () => paced(recorded(bearerFetch(r.token), seen), 24 * MiB);
    const q1 = await DownloadQueue.open({ transport, stateFile, tuning: fast });
    const closed = new Promise<void>((ok) =>
      q1.on('progress', (s) => {
        if (s.received > 3 * MiB) void q1.close().then(ok);
      }),
    );
    const dir = path.join(out, 'music');
    q1.add(dir, [{ peer: r.base, trackId: t.id, relPath: 'Album/01 Song.flac' }]);
    await closed;
    expect(q1.list()[0]?.state).toBe('queued');
    const sidecar = JSON.parse(
      await readFile(path.join(dir, 'Album/01 Song.flac.part.json'), 'utf8'),
    );
    expect(sidecar.confirmed).toBeGreaterThan(0);

    seen.length = 0;
    const q2 = await DownloadQueue.open({ transport, stateFile, tuning: fast });
    await q2.idle();
    const [done] = q2.list();
    expect(done?.state).toBe('done');
    expect(seen[0]).toMatchObject({ range: `bytes=${sidecar.confirmed}-`, status: 206 });
    expect(seen[0]?.ifRange).toBe(sidecar.etag);
    expect((await readFile(path.join(dir, 'Album/01 Song.flac'))).equals(data)).toBe(true);
    expect(done!.fetched).toBe(data.length - sidecar.confirmed);
    expect(JSON.parse(await readFile(stateFile, 'utf8')).downloads).toEqual([]);
  });

  it('a source changed between attempts gives a fresh copy of the new version, never a mix', async () => {
    const r = await setup();
    const v1 = bytes(6 * MiB);
    const t = await addReal(r, v1);
    const dest = path.join(out, 'song.flac');
    const seen: Seen[] = [];
    const ctrl = new AbortController();
    const opts = { ...fast, fetch: paced(recorded(bearerFetch(r.token), seen), 12 * MiB) };
    const first = fetchTrack(
      { url: r.url(t.id), trackId: t.id, dest },
      {
        ...opts,
        signal: ctrl.signal,
        onProgress: (p) => p.confirmed > 2 * MiB && ctrl.abort('pause'),
      },
    );
    await expect(first).rejects.toBe('pause');
    const v2 = await changeMiddle(r, t);
    expect(idFromBuffer(v2)).toBe(t.id); // same id: only the ETag (mtime) tells the versions apart
    const res = await fetchTrack(
      { url: r.url(t.id), trackId: t.id, dest },
      {
        ...opts,
        signal: new AbortController().signal,
      },
    );
    const got = await readFile(res.file);
    expect(got.equals(v2)).toBe(true);
    expect(got.equals(v1)).toBe(false);
    // The resume asked for the rest of v1 and got all of v2 instead.
    expect(seen.at(-1)).toMatchObject({ status: 200 });
    expect(seen.at(-1)?.range).toMatch(/^bytes=\d+-$/);
  });

  it('a sidecar ahead of its part (a disk that lied about fsync) resumes from the end of the part', async () => {
    const r = await setup();
    const data = bytes(5 * MiB);
    const t = await addReal(r, data);
    const dest = path.join(out, 'song.flac');
    const job = { url: r.url(t.id), trackId: t.id, dest };
    const ctrl = new AbortController();
    const seen: Seen[] = [];
    const fetchFn = paced(recorded(bearerFetch(r.token), seen), 10 * MiB);
    await expect(
      fetchTrack(job, {
        ...fast,
        fetch: fetchFn,
        signal: ctrl.signal,
        onProgress: (p) => p.confirmed > MiB && ctrl.abort('pause'),
      }),
    ).rejects.toBe('pause');
    await truncate(`${dest}.part`, MiB + 5);
    const res = await fetchTrack(job, {
      ...fast,
      fetch: fetchFn,
      signal: new AbortController().signal,
    });
    expect((await readFile(res.file)).equals(data)).toBe(true);
    expect(seen[1]).toMatchObject({ range: `bytes=${MiB + 5}-`, status: 206 });
  });

  it('a server that answers a range with 200 makes the download start over', async () => {
    await setup();
    const data = bytes(5 * MiB);
    const seen: Seen[] = [];
    const srv = await quirkyServer(data, 'ignore-range', seen);
    cleanups.push(() => srv.close());
    const id = idFromBuffer(data);
    const job = { url: `${srv.url}/track/${id}`, trackId: id, dest: path.join(out, 'a.flac') };
    const ctrl = new AbortController();
    const fetchFn = paced(bearerFetch(undefined), 10 * MiB);
    await expect(
      fetchTrack(job, {
        ...fast,
        fetch: fetchFn,
        signal: ctrl.signal,
        onProgress: (p) => p.confirmed > MiB && ctrl.abort('pause'),
      }),
    ).rejects.toBe('pause');
    const res = await fetchTrack(job, {
      ...fast,
      fetch: fetchFn,
      signal: new AbortController().signal,
    });
    expect((await readFile(res.file)).equals(data)).toBe(true);
    expect(seen.map((s) => [s.range !== undefined, s.status])).toEqual([
      [false, 200],
      [true, 200],
    ]);
  });

  it('refuses a 206 that does not start where it asked, and fetches the whole file instead', async () => {
    await setup();
    const data = bytes(5 * MiB);
    const seen: Seen[] = [];
    const srv = await quirkyServer(data, 'wrong-start', seen);
    cleanups.push(() => srv.close());
    const id = idFromBuffer(data);
    const job = { url: `${srv.url}/track/${id}`, trackId: id, dest: path.join(out, 'a.flac') };
    const ctrl = new AbortController();
    const fetchFn = paced(bearerFetch(undefined), 10 * MiB);
    await expect(
      fetchTrack(job, {
        ...fast,
        fetch: fetchFn,
        signal: ctrl.signal,
        onProgress: (p) => p.confirmed > MiB && ctrl.abort('pause'),
      }),
    ).rejects.toBe('pause');
    const retries: string[] = [];
    const res = await fetchTrack(job, {
      ...fast,
      fetch: fetchFn,
      signal: new AbortController().signal,
      onRetry: (e) => retries.push(e.message),
    });
    expect((await readFile(res.file)).equals(data)).toBe(true);
    expect(retries[0]).toMatch(/Refused a range starting at \d+: asked for \d+/);
    expect(seen.map((s) => [s.range !== undefined, s.status])).toEqual([
      [false, 200],
      [true, 206],
      [false, 200],
    ]);
  });

  it('never overwrites a different file, recognises one already there, and cleans peer paths', async () => {
    const r = await setup();
    const data = bytes(300_000);
    const t = await addReal(r, data);
    const dir = path.join(out, 'music');
    const q = await DownloadQueue.open({ transport: () => bearerFetch(r.token), tuning: fast });
    await writeFile(path.join(out, 'outside.txt'), 'x');
    await import('node:fs/promises').then((f) => f.mkdir(dir));
    await writeFile(path.join(dir, 'song.flac'), 'someone else’s file');
    const changes: DownloadStatus[] = [];
    q.on('change', (s) => changes.push(s));
    q.add(dir, [
      { peer: r.base, trackId: t.id, relPath: 'song.flac' },
      { peer: r.base, trackId: t.id, relPath: '/abs/../x.flac' },
      { peer: r.base, trackId: t.id, relPath: 'CON.flac' },
    ]);
    await q.idle();
    const [a, b, c] = q.list();
    expect(a?.state).toBe('done');
    expect(a?.file).toBe(path.join(dir, 'song (2).flac'));
    expect(await readFile(path.join(dir, 'song.flac'), 'utf8')).toBe('someone else’s file');
    expect(b).toMatchObject({ state: 'failed', error: expect.stringMatching(/Refused path/) });
    expect(c?.file).toBe(path.join(dir, '_CON.flac'));
    // Asked again, the copy already there is recognised by its content id: nothing is fetched.
    q.add(dir, [{ peer: r.base, trackId: t.id, relPath: 'song.flac' }]);
    await q.idle();
    expect(q.list()[3]).toMatchObject({
      state: 'done',
      file: path.join(dir, 'song (2).flac'),
      fetched: 0,
    });
    expect((await readdir(dir)).sort()).toEqual(['_CON.flac', 'song (2).flac', 'song.flac']);
  });

  it('pauses, resumes and cancels; a revoked token fails with a reason', async () => {
    const r = await setup();
    const data = bytes(8 * MiB);
    const t = await addReal(r, data);
    const q = await DownloadQueue.open({
      transport: () => paced(bearerFetch(r.token), 8 * MiB),
      tuning: fast,
    });
    const [s] = q.add(out, [{ peer: r.base, trackId: t.id, relPath: 'x.flac' }]);
    await new Promise<void>((ok) => q.on('progress', (p) => p.received > MiB && ok()));
    q.pause(s!.key);
    await q.idle();
    expect(q.list()[0]?.state).toBe('paused');
    q.resume(s!.key);
    await new Promise<void>((ok) => q.on('progress', (p) => p.received > 3 * MiB && ok()));
    await q.cancel(s!.key);
    expect(q.list()[0]?.state).toBe('cancelled');
    expect(await readdir(out)).toEqual([]);
    await r.tokens.revoke('phone');
    q.add(out, [{ peer: r.base, trackId: t.id, relPath: 'y.flac' }]);
    await q.idle();
    expect(q.list()[1]).toMatchObject({ state: 'failed', error: expect.stringMatching(/401/) });
  });
});
