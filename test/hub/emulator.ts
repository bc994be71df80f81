/**
 * A TuneCamp hub emulator for tests and the benchmark suite: the peer WebSocket and the HTTP side,
 * behaving as PROTOCOL.md says real 5.x servers do (auth at the upgrade, JSON pings, one session
 * per account, silent all-or-nothing manifests, no backpressure, every close reads 1005).
 * Dependencies: node:http and ws only. Listens on 127.0.0.1, port 0.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ManifestTrack } from '../../src/shared/contract';
import { acceptManifest } from './hub-manifest';
import { handleHttp, type Pending } from './hub-http';
import { parseChunkFrame } from './chunk-parse';

/** Options of startHub(). */
export interface HubOptions {
  /** Known tokens → account. Default: `{ 'tc_good': { username: 'alice' } }`. */
  tokens?: Record<string, { username: string; canShare?: boolean }>;
  /** Accounts for POST /api/auth/login: username → password. A login mints or reuses a token. */
  users?: Record<string, string>;
  peerSharingEnabled?: boolean;
  /** JSON ping period (default 30 s) and the drop after the last pong (default 75 s). */
  pingIntervalMs?: number;
  dropAfterMs?: number;
  /** The server's global download toggle (default true). */
  downloadsEnabled?: boolean;
  /** Path prefix of every route, e.g. `/tunecamp` (default none). */
  prefix?: string;
  /** Port to listen on (default 0: a free one). Tests use it to bring a closed hub back. */
  port?: number;
  /**
   * Answer WebSocket-level pings (default true, as ws and every RFC 6455 server do). False
   * emulates a server that ignores them.
   */
  autoPong?: boolean;
}

/** One live peer session, as the hub holds it. */
export interface HubSession {
  id: string;
  username: string;
  /** False only when the client sent `allowDownloads=false` exactly. */
  allowDownloads: boolean;
  tracks: ManifestTrack[];
  connectedAt: number;
  lastPongAt: number;
  ws: WebSocket;
}

/** A client frame the hub received (type and bookkeeping, not the data). */
export interface ReceivedFrame {
  sessionId: string;
  type: string;
  at: number;
  requestId?: string;
  bytes?: number;
  /** Payload length of the frame as it arrived (wire bytes, before base64 decoding). */
  size: number;
  /** A chunk_error's message. */
  message?: string;
}

/** The running emulator and its test hooks. */
export interface Hub {
  /** `http://127.0.0.1:PORT` plus the prefix: what a user would type. */
  readonly url: string;
  readonly port: number;
  /** Every upgrade attempt at the peer endpoint and the status it got (101 when accepted). */
  readonly upgrades: { status: number; at: number }[];
  /** Every client frame received, in order. */
  readonly received: ReceivedFrame[];
  /** Every HTTP request's method and path (without the prefix and query), in order. */
  readonly requests: string[];
  /** Counts: manifests rejected (silently, as the server does), frames that were not JSON. */
  readonly counters: { rejectedManifests: number; invalidFrames: number; outOfOrderChunks: number };
  sessions(): HubSession[];
  /** The tracks of one session, or of the only/most recent session. */
  tracks(sessionId?: string): ManifestTrack[];
  /** Resolve once `predicate()` holds; reject after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Send a frame (object → JSON text, string → raw text, Buffer → binary) to a session. */
  send(sessionId: string, frame: object | string | Buffer): void;
  /** Close a session the way the server does (no close code, so the client reads 1005). */
  kick(sessionId: string): void;
  /** Drop every socket and the listener, then listen again on the same port. */
  restart(): Promise<void>;
  setPinging(on: boolean): void;
  setPeerSharing(on: boolean): void;
  /** The admin's "Allow Peer Downloads" switch (GET /api/peers/status, and 403 on downloads). */
  setDownloads(on: boolean): void;
  /**
   * Benchmarks: see each client text frame before the hub parses it; a tap that returns true
   * takes the frame (it is neither parsed nor recorded). Null removes it.
   */
  setFrameTap(tap: ((sessionId: string, data: Buffer) => boolean) | null): void;
  close(): Promise<void>;
}

/** Start a hub on 127.0.0.1 with a free port. */
export async function startHub(opts: HubOptions = {}): Promise<Hub> {
  const tokens = new Map(Object.entries(opts.tokens ?? { tc_good: { username: 'alice' } }));
  const prefix = (opts.prefix ?? '').replace(/\/+$/, '');
  const pingMs = opts.pingIntervalMs ?? 30_000;
  const dropMs = opts.dropAfterMs ?? 75_000;
  let sharing = opts.peerSharingEnabled ?? true;
  let downloads = opts.downloadsEnabled ?? true;
  let pinging = true;
  const sessions = new Map<string, HubSession>();
  const pending = new Map<string, Pending>();
  const upgrades: Hub['upgrades'] = [];
  const received: ReceivedFrame[] = [];
  const counters = { rejectedManifests: 0, invalidFrames: 0, outOfOrderChunks: 0 };
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 100 * 1024 * 1024,
    autoPong: opts.autoPong ?? true,
  });

  const ctx = {
    prefix,
    tokens,
    users: opts.users ?? {},
    sessions,
    pending,
    downloadsEnabled: () => downloads,
    sharingEnabled: () => sharing,
  };
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(
      `${req.method} ${new URL(req.url ?? '/', 'http://hub').pathname.slice(prefix.length)}`,
    );
    handleHttp(ctx, req, res);
  });
  server.on('connection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const refuse = (status: number) => {
      upgrades.push({ status, at: Date.now() });
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
    };
    if (url.pathname !== `${prefix}/ws/peer`) return refuse(404);
    if (!sharing) return refuse(503);
    const account = tokens.get(url.searchParams.get('token') ?? '');
    if (!account) return refuse(401);
    if (account.canShare === false) return refuse(403);
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgrades.push({ status: 101, at: Date.now() });
      // One session per account: the newcomer replaces the old socket, with no close code.
      for (const old of sessions.values()) if (old.username === account.username) old.ws.close();
      const s: HubSession = {
        id: randomUUID(),
        username: account.username,
        allowDownloads: url.searchParams.get('allowDownloads') !== 'false',
        tracks: [],
        connectedAt: Date.now(),
        lastPongAt: Date.now(),
        ws,
      };
      sessions.set(s.id, s);
      ws.send(JSON.stringify({ type: 'auth_ok', sessionId: s.id }));
      const timer = setInterval(
        () => {
          if (Date.now() - s.lastPongAt > dropMs) return void ws.terminate();
          if (pinging) ws.send(JSON.stringify({ type: 'ping' }));
        },
        Math.min(pingMs, dropMs),
      );
      ws.on('message', (data, isBinary) => onFrame(s, data as Buffer, isBinary));
      ws.on('error', () => undefined);
      ws.on('close', () => {
        clearInterval(timer);
        sessions.delete(s.id);
        for (const [id, p] of pending) {
          if (p.sessionId !== s.id) continue;
          pending.delete(id);
          p.fail('peer disconnected');
        }
      });
    });
  });

  let frameTap: ((sessionId: string, data: Buffer) => boolean) | null = null;

  function onFrame(s: HubSession, data: Buffer, isBinary: boolean): void {
    if (isBinary) return void counters.invalidFrames++; // the server ignores binary frames
    if (frameTap?.(s.id, data)) return;
    const fast = parseChunkFrame(data);
    let msg: Record<string, unknown>;
    try {
      msg = fast
        ? { type: 'chunk', requestId: fast.requestId, seq: fast.seq }
        : (JSON.parse(data.toString('utf8')) as Record<string, unknown>);
    } catch {
      return void counters.invalidFrames++;
    }
    const type = String(msg?.type);
    const requestId = typeof msg.requestId === 'string' ? msg.requestId : undefined;
    const entry: ReceivedFrame = {
      sessionId: s.id,
      type,
      at: Date.now(),
      requestId,
      size: data.length,
      ...(type === 'chunk_error' && typeof msg.message === 'string'
        ? { message: msg.message }
        : {}),
    };
    received.push(entry);
    if (type === 'pong') s.lastPongAt = Date.now();
    else if (type === 'manifest') {
      const accepted = acceptManifest(msg.tracks);
      if (accepted) s.tracks = accepted;
      else counters.rejectedManifests++;
    } else if (requestId && pending.get(requestId)?.sessionId === s.id) {
      const p = pending.get(requestId)!;
      if (type === 'chunk') {
        if (msg.seq !== p.nextSeq) counters.outOfOrderChunks++;
        p.nextSeq++;
        const bytes = fast?.bytes ?? Buffer.from(String(msg.data ?? ''), 'base64');
        entry.bytes = bytes.length;
        p.write(bytes);
      } else if (type === 'chunk_end') {
        p.end();
        pending.delete(requestId);
      } else if (type === 'chunk_error') {
        p.fail(String(msg.message ?? 'peer error'));
        pending.delete(requestId);
      }
    }
  }

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const shutdown = async () => {
    for (const s of sessions.values()) s.ws.terminate();
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const port = await listen(opts.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    port,
    upgrades,
    received,
    requests,
    counters,
    sessions: () => [...sessions.values()],
    tracks(sessionId) {
      const s = sessionId ? sessions.get(sessionId) : [...sessions.values()].at(-1);
      return s?.tracks ?? [];
    },
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`hub.waitFor timed out after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    setFrameTap(tap) {
      frameTap = tap;
    },
    send(sessionId, frame) {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no session ${sessionId}`);
      if (Buffer.isBuffer(frame)) s.ws.send(frame, { binary: true });
      else s.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    kick(sessionId) {
      sessions.get(sessionId)?.ws.close();
    },
    async restart() {
      await shutdown();
      await listen(port);
    },
    setPinging(on) {
      pinging = on;
    },
    setPeerSharing(on) {
      sharing = on;
    },
    setDownloads(on) {
      downloads = on;
    },
    async close() {
      await shutdown();
      wss.close();
    },
  };
}
