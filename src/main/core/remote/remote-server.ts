/**
 * The remote-control server of the headless daemon: serves the built renderer on loopback and
 * carries the contract (src/shared/remote-protocol.ts) over one WebSocket per page. A page gets
 * in through a one-time link that leaves a session cookie behind (see sessions.ts).
 */
import { PEER_AUDIO_PATH, forwardPeerAudio } from './peer-audio-route';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { Api } from '../../../shared/contract';
import { EVENT_NAMES } from '../../../shared/contract';
import {
  REMOTE_CLOSE_UNAUTHORIZED,
  REMOTE_COVER_PATH,
  REMOTE_WS_PATH,
} from '../../../shared/remote-protocol';
import type { RemoteServerMessage } from '../../../shared/remote-protocol';
import { validateCall } from '../../../shared/validate';
import { coverKeyFor, serveCover, type CoverSource } from './cover-route';
import { rendererCsp } from './csp';
import { allowedHostNames, isAllowedHost, isAllowedOrigin } from './request-guard';
import { RemoteSessions, SESSION_PATH, sessionCookie, tokensEqual } from './sessions';
import { securityHeaders, sendStatus, serveStatic } from './static-files';

export { tokensEqual } from './sessions';

export interface RemoteServerOptions {
  api: Api;
  /** 0 picks a free port. */
  port: number;
  /** Interface to bind; loopback unless told otherwise. */
  host?: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** The first one-time code; a random one is made when absent. */
  token?: string;
  /** Said on the page of a link that was already used: how to get a new one. */
  newLinkHint?: string;
  /** How long a new socket may take to say hello (ms). */
  helloTimeoutMs?: number;
  /** Cover thumbnails (the engine's `covers`), served at /covers/ behind the token. */
  covers?: CoverSource;
  /** A request's headers must arrive within this (ms, default 10 s): slowloris clients get 408. */
  headersTimeoutMs?: number;
  /** The engine's peer proxy port, if running: /peer-audio/ is forwarded there (peer-audio-route.ts). */
  peerAudioPort?: () => number | undefined;
}

export interface RemoteServer {
  /** Open this in a browser: a one-time link (`/session/CODE`); dead once opened. */
  readonly url: string;
  port: number;
  /** The link's one-time code (also accepted, once, in a non-browser client's `hello`). */
  readonly token: string;
  /** Makes a new one-time link (an unused older one stops working) and returns it. */
  newUrl(): string;
  /** Closes every client and the listener. */
  close(): Promise<void>;
}

/** Largest frame a client may send; commands are small. */
export const REMOTE_MAX_PAYLOAD = 1024 * 1024;
/** A client this far behind on events is stuck; it is dropped rather than buffered without end. */
const MAX_CLIENT_BUFFER = 16 * 1024 * 1024;

function errorMessage(err: unknown): string {
  // Only the message: stack traces describe our internals, not what the user should do.
  if (err instanceof Error) return err.message || err.name;
  return typeof err === 'string' ? err : 'command failed';
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Starts the server; resolves once it is listening. */
export async function startRemoteServer(opts: RemoteServerOptions): Promise<RemoteServer> {
  const host = opts.host ?? '127.0.0.1';
  const sessions = new RemoteSessions(opts.token);
  let token = sessions.current ?? '';
  const helloTimeoutMs = opts.helloTimeoutMs ?? 10_000;
  const names = allowedHostNames(host);
  const authed = new Set<WebSocket>();
  // From a secret of its own: the first link's code is printed, and dead once used.
  const coverKey = coverKeyFor(randomBytes(32).toString('base64url'));
  let port = 0;
  let csp = rendererCsp();

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: REMOTE_MAX_PAYLOAD,
  });

  const send = (ws: WebSocket, msg: RemoteServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_CLIENT_BUFFER) return void ws.terminate();
    ws.send(JSON.stringify(msg));
  };

  const unsubscribe = EVENT_NAMES.map((name) =>
    opts.api.on(name, (payload) => {
      const msg = { t: 'event', name, payload } as RemoteServerMessage;
      for (const ws of authed) send(ws, msg);
    }),
  );

  const onCall = async (ws: WebSocket, msg: Record<string, unknown>) => {
    const id = msg.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return ws.close(1008, 'bad call id');
    const call = validateCall(msg.name, msg.args);
    if (!call.ok) return send(ws, { t: 'result', id, ok: false, error: call.error });
    try {
      const value = await (opts.api.invoke as (n: string, ...a: unknown[]) => Promise<unknown>)(
        call.name,
        ...call.args,
      );
      send(ws, { t: 'result', id, ok: true, value: value ?? null });
    } catch (err) {
      send(ws, { t: 'result', id, ok: false, error: errorMessage(err) });
    }
  };

  wss.on('connection', (ws, req: IncomingMessage) => {
    // A page that came through a link carries the session cookie; its hello needs no code.
    const hasSession = sessions.hasSession(req.headers.cookie);
    const timer = setTimeout(
      () => ws.close(REMOTE_CLOSE_UNAUTHORIZED, 'hello expected'),
      helloTimeoutMs,
    );
    ws.on('close', () => {
      clearTimeout(timer);
      authed.delete(ws);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let msg: unknown = null;
      if (!isBinary) {
        try {
          msg = JSON.parse(data.toString());
        } catch {
          msg = null;
        }
      }
      const m = typeof msg === 'object' && msg !== null ? (msg as Record<string, unknown>) : null;
      if (!authed.has(ws)) {
        clearTimeout(timer);
        // Anything but a correct hello as the first frame ends the socket: no second guesses.
        const allowed =
          m?.t === 'hello' &&
          (hasSession || (typeof m.token === 'string' && sessions.redeem(m.token) !== null));
        if (!allowed) return ws.close(REMOTE_CLOSE_UNAUTHORIZED, 'unauthorized');
        authed.add(ws);
        return send(ws, opts.covers ? { t: 'ready', coverKey } : { t: 'ready' });
      }
      if (m?.t === 'call') return void onCall(ws, m);
      ws.close(1003, 'unsupported message');
    });
  });

  // Node's defaults let a slowloris client hold a socket 60-90 s (headers timeout 60 s, checked
  // every 30 s); the page and its assets are small, so their headers come at once or never.
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const timeouts = {
    headersTimeout,
    requestTimeout: Math.max(30_000, headersTimeout),
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
  };
  const server = createServer(timeouts, (req, res) => {
    if (!isAllowedHost(req.headers.host, names, port)) {
      return sendStatus(res, 421, 'Misdirected request', csp);
    }
    const pathname = (req.url ?? '').split('?')[0] ?? '';
    if (pathname.startsWith(SESSION_PATH)) {
      const session = sessions.redeem(pathname.slice(SESSION_PATH.length));
      if (!session) {
        const hint = opts.newLinkHint ?? 'Ask the daemon for a new one.';
        return sendStatus(res, 410, `This link has already been used. ${hint}\n`, csp);
      }
      res.writeHead(303, {
        ...securityHeaders(csp),
        Location: '/',
        'Set-Cookie': sessionCookie(session),
        'Cache-Control': 'no-store',
      });
      return void res.end();
    }
    if (pathname.startsWith(PEER_AUDIO_PATH))
      return forwardPeerAudio(req, res, opts.peerAudioPort?.(), csp);
    const covers = opts.covers;
    const serve =
      (req.url ?? '').startsWith(REMOTE_COVER_PATH) && covers
        ? serveCover(req, res, { covers, key: coverKey, csp, keysEqual: tokensEqual })
        : serveStatic(req, res, opts.staticDir, csp);
    serve.catch(() => {
      if (!res.headersSent) sendStatus(res, 500, 'Internal error', csp);
      else res.destroy();
    });
  });

  // Nor does Node close a connection that sends nothing at all: 1,000 such sockets stayed open
  // for good. Idle sockets go after the same time (ws clears this timeout once upgraded).
  server.timeout = headersTimeout;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== REMOTE_WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (
      !isAllowedHost(req.headers.host, names, port) ||
      !isAllowedOrigin(req.headers.origin, names, port)
    ) {
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : opts.port;
  // Chromium rejects IPv6 literals as CSP sources; 'self' already covers the page's own host.
  const origins = names.filter((n) => !n.startsWith('[')).map((n) => `ws://${n}:${port}`);
  csp = rendererCsp({ connect: origins });
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const urlHost = names.includes(bracketed) && host !== '::' ? bracketed : '127.0.0.1';

  const link = () => `http://${urlHost}:${port}${SESSION_PATH}${token}`;
  return {
    get url() {
      return link();
    },
    get token() {
      return token;
    },
    port,
    newUrl() {
      token = sessions.newCode();
      return link();
    },
    close: async () => {
      for (const off of unsubscribe) off();
      for (const ws of wss.clients) ws.close(1001, 'server closing');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
