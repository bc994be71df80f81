/**
 * The room's data saver over real sockets on 127.0.0.1, with the test ffmpeg given as
 * TUNECAMP_FFMPEG: one ffmpeg run for concurrent first requests, the rendition kept by track id
 * (a new cache on the same folder runs none), ~6 s segments, the cookie and queue checks, the
 * size bound, a corrupt source's clear error, and no HLS at all without ffmpeg.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { findFfmpeg } from '../../../../src/main/core/lan/rooms/ffmpeg';
import { HlsCache } from '../../../../src/main/core/lan/rooms/hls-cache';
import { dataSaverIn } from '../../../../src/main/core/lan/rooms/hls-routes';
import type { RoomTrack } from '../../../../src/main/core/lan/rooms/room';
import { startRoomRig, type RoomRig } from './room-rig';
import { TEST_FFMPEG, withFfmpeg } from './test-ffmpeg';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tcs-hls-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A rig whose host has the test ffmpeg (or the environment given), its cache in a temp folder. */
async function rigWith(lengths: number[], env = withFfmpeg()): Promise<RoomRig & { dir: string }> {
  const dir = await tempDir();
  const rig = await startRoomRig(lengths, undefined, {
    dataSaver: dataSaverIn(path.join(dir, 'hls'), env),
  });
  cleanups.push(() => rig.close());
  return Object.assign(rig, { dir: path.join(dir, 'hls') });
}

async function cookieFor(rig: RoomRig, roomId = rig.room.id, code = rig.room.keys.createCode()) {
  const res = await fetch(`${rig.base}/room/${roomId}/join`, {
    method: 'POST',
    body: JSON.stringify({ code }),
  });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const hls = (rig: RoomRig, track: string, file = 'index.m3u8', room = rig.room.id) =>
  `${rig.base}/room/${room}/hls/${track}/${file}`;

/** The EXTINF durations of a playlist. */
const extinf = (m3u8: string) => [...m3u8.matchAll(/#EXTINF:([\d.]+),/g)].map((x) => Number(x[1]));

describe.skipIf(!TEST_FFMPEG)('the data saver (HLS) with ffmpeg', () => {
  it('makes one rendition for two concurrent first requests, ~6 s segments, kept by track id', async () => {
    const rig = await rigWith([40, 5]);
    const cache = rig.host.hls!;
    expect(rig.room.options.dataSaver).toBe(true);
    expect(rig.host.dataSaverNote).toMatch(/Data saver is available/);
    const cookie = await cookieFor(rig);
    const id = rig.tracks[0]!.id;
    const [a, b] = await Promise.all(
      [1, 2].map(() => fetch(hls(rig, id), { headers: { Cookie: cookie } })),
    );
    expect([a!.status, b!.status]).toEqual([200, 200]);
    expect(a!.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const text = await a!.text();
    expect(await b!.text()).toBe(text);
    expect(cache.runs).toBe(1);
    expect(text).toMatch(/#EXT-X-PLAYLIST-TYPE:VOD/);
    expect(text).toMatch(/#EXT-X-TARGETDURATION:6\n/);
    expect(text).toMatch(/#EXT-X-ENDLIST/);
    const d = extinf(text);
    // 40 s in segments of about 6 s (the last holds what is left).
    expect(d.length).toBeGreaterThanOrEqual(7);
    for (const s of d.slice(0, -1)) expect(Math.abs(s - 6)).toBeLessThan(0.1);
    expect(Math.abs(d.reduce((x, y) => x + y, 0) - 40)).toBeLessThan(0.1);

    // A segment: MPEG-TS (sync byte 0x47 every 188 bytes), with ranges.
    const seg = await fetch(hls(rig, id, 'seg001.ts'), { headers: { Cookie: cookie } });
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/mp2t');
    const body = Buffer.from(await seg.arrayBuffer());
    expect(body.length % 188).toBe(0);
    expect(body[0]).toBe(0x47);
    expect(body[188]).toBe(0x47);
    const part = await fetch(hls(rig, id, 'seg001.ts'), {
      headers: { Cookie: cookie, Range: 'bytes=188-375' },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(188, 376))).toBe(true);
    expect((await fetch(hls(rig, id, 'seg999.ts'), { headers: { Cookie: cookie } })).status).toBe(
      404,
    );
    // Cached: more requests, and a new cache on the same folder (a restart), run no ffmpeg.
    expect((await fetch(hls(rig, id), { headers: { Cookie: cookie } })).status).toBe(200);
    expect(cache.runs).toBe(1);
    const again = new HlsCache({ dir: rig.dir, ffmpeg: TEST_FFMPEG! });
    expect(await again.rendition(rig.tracks[0]!)).toBe(path.join(rig.dir, id));
    expect(again.runs).toBe(0);
    expect((await readdir(rig.dir)).sort()).toEqual([id]);
  }, 60_000);

  it('serves renditions only with the cookie, for tracks of the queue (403), in open rooms (404)', async () => {
    const rig = await rigWith([5, 5]);
    const cookie = await cookieFor(rig);
    const id = rig.tracks[0]!.id;
    expect((await fetch(hls(rig, id))).status).toBe(403);
    expect(
      (await fetch(hls(rig, id), { headers: { Cookie: 'tcr=' + 'A'.repeat(43) } })).status,
    ).toBe(403);
    // A room of its own with another track: this room's cookie opens nothing there, and the
    // other room's track is not in this queue.
    const other = rig.host.open([{ ...rig.tracks[1]!, id: 'f'.repeat(32) }]);
    const otherCookie = await cookieFor(rig, other.id, other.keys.createCode());
    expect(
      (
        await fetch(hls(rig, 'f'.repeat(32), 'index.m3u8', other.id), {
          headers: { Cookie: cookie },
        })
      ).status,
    ).toBe(403);
    expect((await fetch(hls(rig, 'f'.repeat(32)), { headers: { Cookie: cookie } })).status).toBe(
      403,
    );
    expect((await fetch(hls(rig, id), { headers: { Cookie: otherCookie } })).status).toBe(403);
    expect(rig.host.hls!.runs).toBe(0); // nothing refused reached ffmpeg
    rig.room.close();
    expect((await fetch(hls(rig, id), { headers: { Cookie: cookie } })).status).toBe(404);
  }, 60_000);

  it('a corrupt source: ffmpeg fails once, with a clear error, and is not run again', async () => {
    const rig = await rigWith([5]);
    const bad = path.join(rig.dir, '..', 'bad.wav');
    await writeFile(bad, Buffer.concat([Buffer.from('RIFF....WAVEjunk'), Buffer.alloc(4000, 7)]));
    const st = await stat(bad);
    const track: RoomTrack = {
      id: 'b'.repeat(32),
      path: bad,
      size: st.size,
      mtimeMs: st.mtimeMs,
      mimeType: 'audio/wav',
      title: 'Bad',
    };
    const room = rig.host.open([track]);
    const cookie = await cookieFor(rig, room.id, room.keys.createCode());
    const url = hls(rig, track.id, 'index.m3u8', room.id);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url, { headers: { Cookie: cookie } });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toMatch(
        /^Data saver is unavailable for this track: ffmpeg could not make the data-saver rendition \(exit code \d+\): .+/,
      );
      expect(text).not.toContain(bad); // the host's path stays home
    }
    expect(rig.host.hls!.runs).toBe(1);
    // Nothing half-made is left behind.
    expect(await readdir(rig.dir)).toEqual([]);
  }, 60_000);

  it('keeps the folder within its bound: the least recently used rendition goes', async () => {
    const rig = await rigWith([30, 30, 30]);
    const [t1, t2, t3] = rig.tracks as [RoomTrack, RoomTrack, RoomTrack];
    const probe = new HlsCache({ dir: path.join(rig.dir, '..', 'probe'), ffmpeg: TEST_FFMPEG! });
    const one = await probe.rendition(t1);
    let bytes = 0;
    for (const f of await readdir(one)) bytes += (await stat(path.join(one, f))).size;
    // Room for two renditions, not three.
    const cache = new HlsCache({ dir: rig.dir, ffmpeg: TEST_FFMPEG!, maxBytes: bytes * 2.5 });
    await cache.rendition(t1);
    await cache.rendition(t2);
    await new Promise((r) => setTimeout(r, 20));
    await cache.rendition(t1); // used again: t2 is now the least recent
    await cache.rendition(t3);
    expect((await readdir(rig.dir)).sort()).toEqual([t1.id, t3.id].sort());
    expect(cache.runs).toBe(3);
    await cache.rendition(t2); // made again
    expect(cache.runs).toBe(4);
  }, 90_000);
});

describe('the data saver without ffmpeg', () => {
  it('says what it needs, offers nothing to pages, and has no HLS routes (404)', async () => {
    expect(findFfmpeg({ PATH: '' })).toEqual({
      missing: expect.stringMatching(/install ffmpeg or set TUNECAMP_FFMPEG/),
    });
    expect(findFfmpeg({ TUNECAMP_FFMPEG: '/nonexistent/ffmpeg', PATH: '' })).toEqual({
      missing: expect.stringMatching(/TUNECAMP_FFMPEG=\/nonexistent\/ffmpeg is not an executable/),
    });
    const rig = await rigWith([5], { PATH: '' });
    expect(rig.host.hls).toBeUndefined();
    expect(rig.host.dataSaverNote).toMatch(/install ffmpeg or set TUNECAMP_FFMPEG/);
    const cookie = await cookieFor(rig);
    expect((await fetch(hls(rig, rig.tracks[0]!.id), { headers: { Cookie: cookie } })).status).toBe(
      404,
    );
    // The page hears that there is none (HELLO's options).
    const ws = new WebSocket(`${rig.base.replace('http', 'ws')}/room/${rig.room.id}/ws`, {
      headers: { Cookie: cookie, Origin: rig.base },
    });
    await new Promise((r) => ws.once('open', r));
    const hello = new Promise<{ options: { dataSaver: boolean } }>((r) =>
      ws.once('message', (d) => r(JSON.parse(String(d)))),
    );
    ws.send(JSON.stringify({ type: 'JOIN', name: 'A' }));
    expect((await hello).options.dataSaver).toBe(false);
    ws.close();
  });
});
