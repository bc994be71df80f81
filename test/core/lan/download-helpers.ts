/**
 * Pieces of the download tests: the real LAN server over real files (restartable on its port),
 * a transport that paces bodies so a test can act mid-transfer, servers with the quirks a
 * downloader must survive, and a check that a `.part` and its sidecar agree with the source.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { LanServer } from '../../../src/main/core/lan/lan-server';
import type { LanTrack } from '../../../src/main/core/lan/serve-track';
import { idFromBuffer, SAMPLE_SIZE } from '../../../src/main/core/library/fingerprint';
import type { LanFetch } from '../../../src/main/core/lan/downloads/transport';
import type { Rig } from './helpers';

/** One request as the server saw it. */
export interface Seen {
  range?: string;
  ifRange?: string;
  status: number;
}

/** Adds `data` to the rig under its real content id (the downloader verifies it). */
export async function addReal(rig: Rig, data: Buffer, name = 'song.flac'): Promise<LanTrack> {
  return rig.addTrack(idFromBuffer(data), data, 'audio/flac', name);
}

/**
 * Rewrites bytes between the fingerprint's samples: the id stays, the mtime (so the ETag) moves,
 * as when a tag editor rewrites a frame in the middle. Returns the new content.
 */
export async function changeMiddle(rig: Rig, t: LanTrack): Promise<Buffer> {
  const data = await readFile(t.path);
  const at = SAMPLE_SIZE + 1000;
  for (let i = 0; i < 4096; i++) data[at + i] = (data[at + i]! + 1) & 0xff;
  // addTrack writes the file again and publishes its new mtime, as a rescan would.
  await rig.addTrack(t.id, data, t.mimeType, path.basename(t.path));
  return data;
}

/** A LAN server on the rig's port again, after `rig.server.close()` (a restarted peer). */
export async function restartServer(rig: Rig, port: number): Promise<LanServer> {
  rig.server = await LanServer.start({
    host: '127.0.0.1',
    port,
    resolve: (id) => rig.tracks.get(id),
    authorize: (req) => rig.tokens.verify(req.headers.authorization),
  });
  return rig.server;
}

/**
 * Wraps a transport so bodies arrive at about `bytesPerSecond`: slow enough for a test to stop,
 * kill or change things mid-transfer.
 */
export function paced(base: LanFetch, bytesPerSecond: number): LanFetch {
  return async (url, init) => {
    const res = await base(url, init);
    if (!res.body) return res;
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        const { done, value } = await reader.read();
        if (done) return ctrl.close();
        await new Promise((r) => setTimeout(r, (value.byteLength / bytesPerSecond) * 1000));
        // fetch may hold the whole body already: an abort must still stop this copy of it.
        init.signal.throwIfAborted();
        ctrl.enqueue(value);
      },
      cancel: (why) => reader.cancel(why),
    });
    return new Response(body, { status: res.status, headers: res.headers });
  };
}

/**
 * A server with one quirk, serving `data` with a strong ETag: `ignore-range` answers every GET
 * with 200 and the whole file (as some servers do); `wrong-start` answers a Range with a 206
 * whose Content-Range starts 1000 bytes later than asked, and its body from there.
 */
export async function quirkyServer(
  data: Buffer,
  quirk: 'ignore-range' | 'wrong-start',
  seen: Seen[],
): Promise<{ url: string; close(): Promise<void> }> {
  const etag = `"${createHash('sha256').update(data).digest('hex').slice(0, 16)}"`;
  const server = http.createServer((req, res) => {
    const entry: Seen = { range: req.headers.range, status: 200 };
    seen.push(entry);
    res.setHeader('ETag', etag);
    res.setHeader('Content-Type', 'audio/flac');
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (quirk === 'wrong-start' && m) {
      const start = Number(m[1]) + 1000;
      res.statusCode = entry.status = 206;
      res.setHeader('Content-Range', `bytes ${start}-${data.length - 1}/${data.length}`);
      res.setHeader('Content-Length', data.length - start);
      return res.end(data.subarray(start));
    }
    res.setHeader('Content-Length', data.length);
    res.end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * What a crash may leave for `dest`, checked against the source `data`: nothing; a part whose
 * sidecar's confirmed bytes all equal the source (the part may hold more, unconfirmed); or the
 * finished file, equal to the source. Returns a description of the first inconsistency, or ''.
 */
export async function checkConsistent(dest: string, data: Buffer): Promise<string> {
  const final = await readFile(dest).catch(() => null);
  if (final) return final.equals(data) ? '' : 'the final file differs from the source';
  const sidecar = await readFile(`${dest}.part.json`, 'utf8').catch(() => null);
  if (sidecar === null) return '';
  let s: { confirmed: number; size: number };
  try {
    s = JSON.parse(sidecar);
  } catch {
    return `the sidecar is not JSON: ${sidecar.slice(0, 80)}`;
  }
  const st = await stat(`${dest}.part`).catch(() => null);
  if (!st) return s.confirmed === 0 ? '' : `a sidecar confirms ${s.confirmed} bytes of no part`;
  if (st.size < s.confirmed)
    return `the part has ${st.size} bytes, the sidecar confirms ${s.confirmed}`;
  if (s.size !== data.length) return `the sidecar's size ${s.size} is not ${data.length}`;
  const part = await readFile(`${dest}.part`);
  if (!part.subarray(0, s.confirmed).equals(data.subarray(0, s.confirmed)))
    return `the first ${s.confirmed} confirmed bytes differ from the source`;
  return '';
}

/** Wraps a transport to record what the downloader asked and what it got. */
export function recorded(base: LanFetch, seen: Seen[]): LanFetch {
  return async (url, init) => {
    const entry: Seen = { range: init.headers.Range, ifRange: init.headers['If-Range'], status: 0 };
    seen.push(entry);
    const res = await base(url, init);
    entry.status = res.status;
    return res;
  };
}

/**
 * Wraps a transport so the first body goes silent after `bytes` (a laptop lid closed, a peer
 * unplugged without a FIN): nothing more arrives and nothing errors, until the reader gives up.
 */
export function stallOnce(base: LanFetch, bytes: number): LanFetch {
  let first = true;
  return async (url, init) => {
    const res = await base(url, init);
    if (!first || !res.body) return res;
    first = false;
    const reader = res.body.getReader();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        // Silence until the downloader aborts, as a dead socket stays silent until closed.
        if (sent >= bytes)
          return new Promise<void>((_, reject) =>
            init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true }),
          );
        const { done, value } = await reader.read();
        if (done) return ctrl.close();
        sent += value.byteLength;
        ctrl.enqueue(value);
      },
      cancel: (why) => reader.cancel(why),
    });
    return new Response(body, { status: res.status, headers: res.headers });
  };
}
