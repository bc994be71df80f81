/**
 * Requests to a paired device's peer API over mutual TLS: the connection is made and its
 * certificate checked against the pinned device id (connectPinned) before a byte of the request
 * is written, then plain HTTP/1.1 runs inside it. One connection per request: a paired device is
 * on the LAN, a TLS 1.3 handshake costs a millisecond or two, and nothing pooled can outlive an
 * unpairing.
 */
import http, { type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Identity } from '../identity';
import { formatAddress } from '../pairing/peers-store';
import { connectPinned } from '../tls-pinning';
import type { LanFetch } from '../downloads/transport';

/** Where a paired device is and who it must be. */
export interface PeerTarget {
  host: string;
  port: number;
  /** Its device id: the certificate it must present. */
  id: string;
}

/** The protocol version spoken here (`/peer/v1`). */
export const PEER_PROTOCOL = 1;

/** Says a track request is a download (the download grant), not playing (the stream grant). */
export const PURPOSE_HEADER = 'x-tunecamp-purpose';

/** Bodies of JSON answers are read up to this size. */
const MAX_JSON = 4 * 1024 * 1024;

/**
 * Sends one request and resolves with the answer's head (the body left to read). `headers` go as
 * given; Host is the target's address. A certificate other than the pinned one rejects before
 * anything is sent.
 */
export async function peerRequest(
  target: PeerTarget,
  me: Identity,
  req: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
    timeoutMs?: number;
  },
): Promise<IncomingMessage> {
  req.signal?.throwIfAborted();
  const socket = await connectPinned({
    ...target,
    me,
    expectId: target.id,
    timeoutMs: req.timeoutMs,
  });
  return new Promise((resolve, reject) => {
    const r = http.request({
      createConnection: () => socket,
      method: req.method ?? 'GET',
      path: req.path,
      headers: {
        Host: formatAddress(target.host, target.port),
        ...(req.body !== undefined && {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(req.body)),
        }),
        ...req.headers,
      },
      signal: req.signal,
    });
    r.once('response', resolve);
    r.once('error', reject);
    r.end(req.body);
  });
}

/** Reads a JSON answer; a status other than 2xx rejects with the peer's words and the status. */
export async function readJson<T>(res: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_JSON) {
      res.destroy();
      throw new Error('the device sent an answer too large to read');
    }
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    let why = text.trim();
    try {
      why = (JSON.parse(text) as { error?: string }).error ?? why;
    } catch {
      // A plain-text answer: its words as they are.
    }
    throw Object.assign(new Error(`${why || 'the device refused'} (${status})`), { status });
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error('the device answered something that is not JSON');
  }
}

/** GETs a JSON endpoint of the peer API. */
export async function peerJson<T>(
  target: PeerTarget,
  me: Identity,
  pathAndQuery: string,
  signal?: AbortSignal,
): Promise<T> {
  return readJson<T>(await peerRequest(target, me, { path: pathAndQuery, signal }));
}

/**
 * The download queue's transport for paired devices. Its peer "URLs" are
 * `https://<device id>.peer.invalid/peer/v1` (stable across address changes, so a resumed part's
 * sidecar still matches); `locate` says where that device is now at each request.
 */
export function pinnedFetch(me: Identity, locate: (id: string) => Promise<PeerTarget>): LanFetch {
  return async (url, init) => {
    const u = new URL(url);
    const id = peerIdOfUrl(url);
    if (!id) throw new TypeError(`not a paired device's address: ${u.origin}`);
    const res = await peerRequest(await locate(id), me, {
      method: init.method ?? 'GET',
      path: u.pathname + u.search,
      // The peer checks this device's download grant, not only its stream grant.
      headers: { ...init.headers, [PURPOSE_HEADER]: 'download' },
      signal: init.signal,
    });
    const status = res.statusCode ?? 502;
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const empty = init.method === 'HEAD' || status === 204 || status === 304;
    if (empty) res.resume();
    const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
    return new Response(body, { status, headers });
  };
}

const PEER_URL = /^https:\/\/([0-9a-f]{64})\.peer\.invalid(\/|$)/;

/** The download queue's address of a paired device (see pinnedFetch). */
export function peerUrlOf(id: string): string {
  return `https://${id}.peer.invalid/peer/v1`;
}

/** The device id in a queue address made by peerUrlOf, or null. */
export function peerIdOfUrl(url: string): string | null {
  return PEER_URL.exec(url)?.[1] ?? null;
}
