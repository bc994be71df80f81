/**
 * The peer API's answers, once the listener has checked the Host and the client certificate:
 * pairing by link, then for paired devices `hello`, `ls`, `search` and `track/{id}`, each checked
 * against the device's grants for the shared folder concerned.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../identity';
import type { LanLimits } from '../lan-server';
import { serveTrack, type LanTrack } from '../serve-track';
import { consumeOffer } from '../pairing/offers';
import { addPeer, formatAddress, grantsFor, type PairedPeer } from '../pairing/peers-store';
import { Catalog, CatalogError, type CatalogSource } from './catalog';
import { PEER_PROTOCOL, PURPOSE_HEADER } from './peer-client';

/** The track behind an id, with the shared folder it is in (undefined: not shared, or offline). */
export type PeerTrackSource = (id: string) => (LanTrack & { root: string }) | undefined;

const MAX_BODY = 4096;
const FAILURES_PER_MINUTE = 3;
/** Track ids are 32 lowercase hex characters, matched as sent (no decoding: `%2e%2e` is no id). */
const TRACK_PATH = /^\/peer\/v1\/track\/([0-9a-f]{32})$/;

/** A JSON answer (errors are `{error}`). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(text);
}

/** `POST /peer/v1/pair` `{secret, name, port?}`: a device proves it opened our pairing link. */
export async function handlePair(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  o: {
    stateDir: string;
    me: Identity;
    name: string;
    note?: (m: string) => void;
    failures: Map<string, number[]>;
  },
): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendJson(res, 405, { error: 'pairing is a POST' });
  }
  const addr = (req.socket.remoteAddress ?? '?').replace(/^::ffff:/, '');
  const now = Date.now();
  const recent = (o.failures.get(addr) ?? []).filter((t) => now - t < 60_000);
  o.failures.set(addr, recent);
  // Checked before the secret: a guesser gets nothing more for a right guess once limited.
  if (recent.length >= FAILURES_PER_MINUTE)
    return sendJson(res, 429, { error: 'too many attempts: wait a minute' });
  let msg: { secret?: unknown; name?: unknown; port?: unknown };
  try {
    msg = JSON.parse(await readBody(req)) as typeof msg;
  } catch {
    return sendJson(res, 400, { error: 'the pairing request is not JSON' });
  }
  const verdict = typeof msg.secret === 'string' ? await consumeOffer(o.stateDir, msg.secret) : '';
  if (verdict !== 'ok') {
    recent.push(now);
    const error =
      verdict === 'expired'
        ? 'the pairing link has expired'
        : 'the pairing link is not valid (or was used)';
    return sendJson(res, 403, { error });
  }
  const port = typeof msg.port === 'number' && Number.isInteger(msg.port) ? msg.port : 0;
  const peer = await addPeer(o.stateDir, {
    id,
    name: typeof msg.name === 'string' ? msg.name : '',
    // Where it can be reached back: the address it came from, at the port it says it listens on.
    ...(port > 0 && port < 65536 && { address: formatAddress(addr, port) }),
  });
  o.note?.(`Paired with ${peer.name}`);
  sendJson(res, 200, { name: o.name, id: o.me.id, version: PEER_PROTOCOL });
}

/** Reads a small request body; longer than 4 KiB rejects. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) return req.destroy(new Error('body too large'));
      chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** A path as a device sends it: '/'-separated names, never `.`, `..` or empty parts. */
function cleanPath(raw: string | null): string | null {
  const p = (raw ?? '').replace(/^\/+|\/+$/g, '');
  if (p === '') return '';
  if (p.length > 1024 || p.includes('\0')) return null;
  return p.split('/').some((s) => s === '' || s === '.' || s === '..') ? null : p;
}

/** Answers a paired device's GET or HEAD. */
export async function routePeer(
  req: IncomingMessage,
  res: ServerResponse,
  peer: PairedPeer,
  o: {
    me: Identity;
    name: string;
    catalog: CatalogSource;
    track: PeerTrackSource;
    limits: LanLimits;
    onStale?: (id: string) => void;
    /** A track response began, from this shared folder (so a revoked grant can cut it). */
    opened: (root: string, purpose: 'stream' | 'download') => void;
  },
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendJson(res, 405, { error: 'only GET and HEAD' });
  }
  const [pathname, query = ''] = (req.url ?? '').split(/\?(.*)/s, 2) as [string, string?];
  const params = new URLSearchParams(query);
  if (pathname === '/peer/v1/hello')
    return sendJson(res, 200, { name: o.name, id: o.me.id, version: PEER_PROTOCOL });
  const catalog = new Catalog(o.catalog, (root) => grantsFor(peer, root));
  try {
    if (pathname === '/peer/v1/ls') {
      const p = cleanPath(params.get('path'));
      if (p === null) return sendJson(res, 400, { error: 'path must be names separated by /' });
      return sendJson(res, 200, catalog.list(p));
    }
    if (pathname === '/peer/v1/search') {
      const q = params.get('q') ?? '';
      if (!q.trim() || q.length > 200)
        return sendJson(res, 400, { error: 'q must be 1 to 200 characters' });
      const limit = Number(params.get('limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 1)
        return sendJson(res, 400, { error: 'limit must be a whole number above 0' });
      return sendJson(res, 200, catalog.search(q, limit));
    }
  } catch (err) {
    if (err instanceof CatalogError) return sendJson(res, err.status, { error: err.message });
    throw err;
  }
  const id = TRACK_PATH.exec(pathname)?.[1];
  if (id === undefined) return sendJson(res, 404, { error: 'no such endpoint' });
  const track = o.track(id);
  if (!track) return sendJson(res, 404, { error: 'no such track' });
  // Our downloader says it downloads; a player (the loopback proxy) asks to stream. A device
  // allowed to stream can still keep what it plays: the download grant governs our own app.
  const download = req.headers[PURPOSE_HEADER] === 'download';
  const g = grantsFor(peer, track.root);
  if (download ? !g.download : !g.stream)
    return sendJson(res, 403, {
      error: `this folder is not shared with you for ${download ? 'download' : 'playing'}`,
    });
  o.opened(track.root, download ? 'download' : 'stream');
  await serveTrack(req, res, track, {
    maxRangeBytes: o.limits.maxRangeBytes,
    chunkSize: o.limits.chunkSize,
    onStale: (staleId) => o.onStale?.(staleId),
  });
}
