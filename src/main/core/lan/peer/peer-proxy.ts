/**
 * A loopback proxy that lets the window's `<audio>` play a paired device's track: the player
 * cannot speak mutual TLS, so it asks `http://127.0.0.1:PORT/<secret>/<device id>/<track id>`
 * and the proxy forwards the request (Range and validators included, so seeking works) over the
 * pinned connection, streaming the answer back. The secret is random per run and the Host must
 * be the loopback address, so neither another local user guessing ports nor a web page
 * rebinding a name to 127.0.0.1 can use our pairings.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Identity } from '../identity';
import { peerRequest, type PeerTarget } from './peer-client';

/** Request headers passed to the peer: the ones range requests and revalidation need. */
export const PASS_UP = ['range', 'if-range', 'if-match', 'if-none-match', 'if-modified-since'];
/** Answer headers passed back. */
export const PASS_DOWN = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'cache-control',
];
const PATH = /^\/([A-Za-z0-9_-]{43})\/([0-9a-f]{64})\/([0-9a-f]{32})$/;

/** A running proxy. */
export interface PeerProxy {
  port: number;
  /** The URL that plays `trackId` of device `peerId`. */
  url(peerId: string, trackId: string): string;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 (any free port); `locate` says where a paired device is now. */
export async function startPeerProxy(opts: {
  me: () => Promise<Identity>;
  locate: (id: string) => Promise<PeerTarget>;
}): Promise<PeerProxy> {
  const secret = randomBytes(32).toString('base64url');
  let port = 0;
  const text = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? '';
    // Only what we hand out: a rebinding page sends its own name, not ours.
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      return text(res, 403, 'Host not allowed');
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'Only GET and HEAD');
    const m = PATH.exec(req.url ?? '');
    if (!m || !timingSafeEqual(Buffer.from(m[1]!), Buffer.from(secret)))
      return text(res, 404, 'Not found');
    const headers: Record<string, string> = {};
    for (const h of PASS_UP) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const ctrl = new AbortController();
    res.once('close', () => ctrl.abort());
    let up: IncomingMessage;
    try {
      up = await peerRequest(await opts.locate(m[2]!), await opts.me(), {
        method: req.method,
        path: `/peer/v1/track/${m[3]}`,
        headers,
        signal: ctrl.signal,
      });
    } catch (err) {
      if (!res.headersSent && !res.destroyed)
        text(res, 502, `The device cannot be reached: ${(err as Error).message}`);
      return;
    }
    const out: Record<string, string> = { 'X-Content-Type-Options': 'nosniff' };
    for (const h of PASS_DOWN) {
      const v = up.headers[h];
      if (typeof v === 'string') out[h] = v;
    }
    res.writeHead(up.statusCode ?? 502, out);
    up.pipe(res);
    // The device cut the answer (unpaired, file changed): the player must not take it as whole.
    up.once('close', () => {
      if (!up.complete) res.destroy();
    });
    up.once('error', () => res.destroy());
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (peerId, trackId) => `http://127.0.0.1:${port}/${secret}/${peerId}/${trackId}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
