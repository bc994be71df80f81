/**
 * Playing a paired device's track in a remote control window: the control server forwards
 * /peer-audio/<secret>/<device>/<track> to the engine's loopback peer proxy, Range in and
 * Content-Range out, and nothing else: other shapes, other methods, or no proxy running get no
 * forwarding. The page's transport rewrites the proxy URL it is given to that path.
 */
import { createServer, request, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../../src/shared/contract';
import { startRemoteServer, type RemoteServer } from '../../../src/main/core/remote/remote-server';
import { viaControlServer } from '../../../src/renderer/src/lib/transport/ws-client';

const BODY = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
const SECRET = 'S'.repeat(43);
const TRACK_PATH = `/${SECRET}/${'d'.repeat(64)}/${'e'.repeat(32)}`;
const api: Api = { invoke: (async () => undefined) as Api['invoke'], on: () => () => undefined };

let proxy: Server;
let proxyPort: number | undefined;
let seen: { url?: string; range?: string; host?: string }[];
let server: RemoteServer;
let dir: string;

beforeAll(async () => {
  seen = [];
  // Stands in for the engine's peer proxy: answers ranges of BODY on its one path.
  proxy = createServer((req, res) => {
    seen.push({ url: req.url, range: req.headers.range, host: req.headers.host });
    if (req.url !== TRACK_PATH) return void res.writeHead(404).end();
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!m) return void res.writeHead(200, { 'Content-Type': 'audio/wav' }).end(BODY);
    const [a, b] = [Number(m[1]), Number(m[2])];
    res.writeHead(206, {
      'Content-Type': 'audio/wav',
      'Content-Range': `bytes ${a}-${b}/${BODY.length}`,
      'Content-Length': String(b - a + 1),
      'Set-Cookie': 'never=forwarded',
    });
    res.end(BODY.subarray(a, b + 1));
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as AddressInfo).port;
  dir = await mkdtemp(path.join(os.tmpdir(), 'peer-audio-'));
  server = await startRemoteServer({
    api,
    port: 0,
    staticDir: dir,
    peerAudioPort: () => proxyPort,
  });
});

afterAll(async () => {
  await server?.close();
  await new Promise((r) => proxy?.close(r));
  await rm(dir, { recursive: true, force: true });
});

function get(pathname: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: pathname, method, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('peer audio through the control server', () => {
  it('forwards a range to the peer proxy and its answer back', async () => {
    const r = await get(`/peer-audio${TRACK_PATH}`, { Range: 'bytes=1000-1999' });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 1000-1999/${BODY.length}`);
    expect(r.body.equals(BODY.subarray(1000, 2000))).toBe(true);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(seen.at(-1)).toEqual({
      url: TRACK_PATH,
      range: 'bytes=1000-1999',
      host: `127.0.0.1:${proxyPort}`,
    });
  });

  it('forwards nothing else', async () => {
    const before = seen.length;
    expect((await get('/peer-audio/../../etc/passwd')).status).toBe(404);
    expect((await get(`/peer-audio${TRACK_PATH}/x`)).status).toBe(404);
    expect((await get(`/peer-audio/short/${'d'.repeat(64)}/${'e'.repeat(32)}`)).status).toBe(404);
    expect((await get(`/peer-audio${TRACK_PATH}`, {}, 'POST')).status).toBe(405);
    expect(seen.length).toBe(before);
    proxyPort = undefined;
    expect((await get(`/peer-audio${TRACK_PATH}`)).status).toBe(404);
  });

  it("rewrites the engine's loopback URL to the control server's path", () => {
    expect(viaControlServer(`http://127.0.0.1:39211${TRACK_PATH}`, 'http://nas.local:8080')).toBe(
      `http://nas.local:8080/peer-audio${TRACK_PATH}`,
    );
    expect(viaControlServer('http://192.0.2.1:80/x/y/z', 'http://nas.local:8080')).toBe(
      'http://192.0.2.1:80/x/y/z',
    );
  });
});
