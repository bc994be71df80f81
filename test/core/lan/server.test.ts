/**
 * The range server against real sockets on 127.0.0.1 and real files: the RFC 9110 rows of the
 * LAN notes (1.3), and each real client's request shapes (1.2), sent byte for byte.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, rawRequest, requestText, startRig, trackId, type Rig } from './helpers';

const SIZE = 1_000_000;
const ID = trackId(1);
let rig: Rig;
let data: Buffer;
let etag: string;

beforeAll(async () => {
  rig = await startRig({ maxRangeBytes: 256 * 1024 });
  data = bytes(SIZE);
  await rig.addTrack(ID, data, 'audio/flac', 'song.flac');
  etag = (await rawRequest(rig.server.port, requestText(rig, ID, {}, 'HEAD'), { head: true }))
    .headers.etag!;
});
afterAll(() => rig.close());

const get = (fields: Record<string, string> = {}, method = 'GET') =>
  rawRequest(rig.server.port, requestText(rig, ID, fields, method), { head: method === 'HEAD' });

function expectCommon(h: Record<string, string>): void {
  expect(h['accept-ranges']).toBe('bytes');
  expect(h['cache-control']).toBe('private, no-cache');
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['access-control-allow-origin']).toBeUndefined();
}

describe('RFC 9110 single ranges', () => {
  it('serves the whole file with 200 and every header', async () => {
    const r = await get();
    expect(r.status).toBe(200);
    expectCommon(r.headers);
    expect(r.headers['content-type']).toBe('audio/flac');
    expect(r.headers['content-length']).toBe(String(SIZE));
    expect(r.headers.etag).toMatch(/^"[0-9a-f]{32}-[0-9a-z]+"$/);
    expect(r.headers['last-modified']).toMatch(/GMT$/);
    expect(r.body.equals(data)).toBe(true);
  });

  it.each([
    ['bytes=0-', 0, 256 * 1024 - 1], // capped: the client asks for the rest
    ['bytes=100-199', 100, 199],
    ['bytes=-100', SIZE - 100, SIZE - 1],
    ['bytes=-5000000', 0, 256 * 1024 - 1], // suffix longer than the file: all of it (capped)
    ['bytes=999000-2000000', 999_000, SIZE - 1],
  ])('%s → 206 %i-%i', async (range, start, end) => {
    const r = await get({ Range: range });
    expect(r.status).toBe(206);
    expectCommon(r.headers);
    expect(r.headers['content-range']).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(r.headers['content-length']).toBe(String(end - start + 1));
    expect(r.body.equals(data.subarray(start, end + 1))).toBe(true);
  });

  it.each(['bytes=1000000-', 'bytes=-0', 'bytes=99999999999999999999-'])(
    '%s → 416 with bytes */size and no file bytes',
    async (range) => {
      const r = await get({ Range: range });
      expect(r.status).toBe(416);
      expect(r.headers['content-range']).toBe(`bytes */${SIZE}`);
      expect(r.body.length).toBeLessThan(100);
    },
  );

  it.each(['bytes=0-1,10-19', 'bytes=abc', 'items=0-1', 'bytes=5-4'])(
    '%s → the whole file with 200',
    async (range) => {
      const r = await get({ Range: range });
      expect(r.status).toBe(200);
      expect(r.body.equals(data)).toBe(true);
    },
  );

  it('HEAD has the GET headers and no body, and ignores Range', async () => {
    const r = await get({ Range: 'bytes=0-1' }, 'HEAD');
    expect(r.status).toBe(200);
    expectCommon(r.headers);
    expect(r.headers['content-length']).toBe(String(SIZE));
    expect(r.body.length).toBe(0);
  });

  it('If-Range: a strong match gets 206, a weak or other tag or a later date gets 200', async () => {
    expect((await get({ Range: 'bytes=0-9', 'If-Range': etag })).status).toBe(206);
    expect((await get({ Range: 'bytes=0-9', 'If-Range': `W/${etag}` })).status).toBe(200);
    expect((await get({ Range: 'bytes=0-9', 'If-Range': '"nope"' })).status).toBe(200);
    const lm = (await get({}, 'HEAD')).headers['last-modified']!;
    expect((await get({ Range: 'bytes=0-9', 'If-Range': lm })).status).toBe(206);
    const later = new Date(Date.parse(lm) + 60_000).toUTCString();
    expect((await get({ Range: 'bytes=0-9', 'If-Range': later })).status).toBe(200);
  });

  it('If-Match / If-Unmodified-Since failing → 412; If-None-Match matching → 304', async () => {
    expect((await get({ 'If-Match': '"other"' })).status).toBe(412);
    expect((await get({ 'If-Unmodified-Since': 'Thu, 01 Jan 2015 00:00:00 GMT' })).status).toBe(
      412,
    );
    const r = await get({ 'If-None-Match': etag });
    expect(r.status).toBe(304);
    expect(r.body.length).toBe(0);
  });
});

describe('what real players send (LAN notes 1.2)', () => {
  it('Chromium <audio>: bytes=0- with identity, then bounded 32 KiB-aligned ranges with If-Range, and the FLAC tail first', async () => {
    const first = await get({ Range: 'bytes=0-', 'Accept-Encoding': 'identity;q=1, *;q=0' });
    expect(first.status).toBe(206);
    expect(first.headers['content-encoding']).toBeUndefined();
    // The tail of a FLAC file, fetched right after the first request, before any seek.
    const tail = await get({ Range: `bytes=983040-${SIZE - 1}`, 'If-Range': etag });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(data.subarray(983040))).toBe(true);
    // A seek: a bounded range aligned to 32 KiB blocks, pinned to the ETag.
    const seek = await get({ Range: `bytes=${17 * 32768}-${24 * 32768 - 1}`, 'If-Range': etag });
    expect(seek.status).toBe(206);
    expect(seek.headers['content-range']).toBe(`bytes ${17 * 32768}-${24 * 32768 - 1}/${SIZE}`);
    expect(seek.body.equals(data.subarray(17 * 32768, 24 * 32768))).toBe(true);
  });

  it("Safari's bytes=0-1 probe gets a 206 of two bytes", async () => {
    const r = await get({
      Range: 'bytes=0-1',
      'User-Agent': 'AppleCoreMedia/1.0.0',
      Accept: '*/*',
    });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 0-1/${SIZE}`);
    expect(r.body.equals(data.subarray(0, 2))).toBe(true);
  });

  it('ffmpeg/mpv request shape: bytes=N- with Connection: close gets the rest of the file, not the cap (real FFmpeg: ffmpeg.test.ts)', async () => {
    const fields = {
      'User-Agent': 'Lavf/59.27.100',
      Accept: '*/*',
      Connection: 'close',
      'Icy-MetaData': '1',
    };
    for (const offset of [0, 462, 727_963]) {
      const r = await get({ ...fields, Range: `bytes=${offset}-` });
      expect(r.status).toBe(206);
      expect(r.headers.connection).toBe('close');
      expect(r.headers['icy-metaint']).toBeUndefined();
      // It cannot ask again on this connection: a capped body would read as the end of file.
      expect(r.headers['content-range']).toBe(`bytes ${offset}-${SIZE - 1}/${SIZE}`);
      expect(r.body.equals(data.subarray(offset))).toBe(true);
    }
    // The same range on a keep-alive connection is capped (256 KiB here) for the next request.
    const kept = await get({ Range: 'bytes=462-' });
    expect(kept.headers['content-range']).toBe(`bytes 462-${462 + 256 * 1024 - 1}/${SIZE}`);
    // HTTP/1.0 closes unless it asks for keep-alive.
    const text = requestText(rig, ID, { Range: 'bytes=462-' }).replace('HTTP/1.1', 'HTTP/1.0');
    const old = await rawRequest(rig.server.port, text);
    expect(old.headers['content-range']).toBe(`bytes 462-${SIZE - 1}/${SIZE}`);
  });

  it('VLC: bytes=N- with If-Match carrying the ETag (W/ stripped) → 206 at exactly N', async () => {
    const r = await get({
      Range: 'bytes=500000-',
      'If-Match': etag,
      'User-Agent': 'VLC/3.0.20 LibVLC/3.0.20',
    });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']?.startsWith('bytes 500000-')).toBe(true);
    const eof = await get({ Range: `bytes=${SIZE}-`, 'If-Match': etag });
    expect(eof.status).toBe(416); // VLC reads this as "seek beyond the end"
  });

  it('curl, a real client: ranges, HEAD and the whole file, with the token', async () => {
    const curl = promisify(execFile);
    const out = path.join(rig.dir, 'curl.out');
    const auth = `Authorization: Bearer ${rig.token}`;
    const r1 = await curl('curl', [
      '-s',
      '-o',
      out,
      '-w',
      '%{http_code} %{size_download}',
      '-H',
      auth,
      '-r',
      '100-199',
      rig.url(ID),
    ]);
    expect(r1.stdout).toBe('206 100');
    expect((await readFile(out)).equals(data.subarray(100, 200))).toBe(true);
    const r2 = await curl('curl', ['-s', '-o', out, '-w', '%{http_code}', '-H', auth, rig.url(ID)]);
    expect(r2.stdout).toBe('200');
    expect((await readFile(out)).equals(data)).toBe(true);
    const r3 = await curl('curl', ['-s', '-I', '-H', auth, rig.url(ID)]);
    expect(r3.stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(r3.stdout).toMatch(/content-length: 1000000/i);
    const r4 = await curl('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', rig.url(ID)]);
    expect(r4.stdout).toBe('401');
  });
});

describe('requests that get nothing', () => {
  it('401 before any lookup: a known and an unknown id look the same without a token', async () => {
    const port = rig.server.port;
    const noAuth = (id: string) =>
      `GET /track/${id} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;
    const known = await rawRequest(port, noAuth(ID));
    const unknown = await rawRequest(port, noAuth(trackId(999)));
    expect(known.status).toBe(401);
    expect(known.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(unknown.status).toBe(401);
    expect(known.body.equals(unknown.body)).toBe(true);
    const wrong = await rawRequest(
      port,
      requestText(rig, ID, { Authorization: 'Bearer tcl_' + 'x'.repeat(43) }),
    );
    expect(wrong.status).toBe(401);
  });

  it('404 for an unknown id; 405 for anything but GET and HEAD, OPTIONS included (no CORS)', async () => {
    expect((await rawRequest(rig.server.port, requestText(rig, trackId(999)))).status).toBe(404);
    for (const m of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await rawRequest(
        rig.server.port,
        requestText(rig, ID, { 'Content-Length': '0', Origin: 'http://evil.example' }, m),
      );
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('403 for a Host that is not an IP, localhost or *.local (DNS rebinding), even with a token', async () => {
    for (const host of ['evil.example:80', 'evil.example', '127.0.0.1.nip.io']) {
      const r = await rawRequest(rig.server.port, requestText(rig, ID, { Host: host }));
      expect(r.status).toBe(403);
    }
    for (const host of ['localhost:1', 'studio.local', '[::1]:9']) {
      expect(
        (
          await rawRequest(
            rig.server.port,
            requestText(rig, ID, { Host: host, Range: 'bytes=0-0' }),
          )
        ).status,
      ).toBe(206);
    }
    // HTTP/1.1 without Host is malformed: Node answers 400 itself.
    const none = await rawRequest(
      rig.server.port,
      `GET /track/${ID} HTTP/1.1\r\nAuthorization: Bearer ${rig.token}\r\n\r\n`,
    );
    expect(none.status).toBe(400);
  });
});
