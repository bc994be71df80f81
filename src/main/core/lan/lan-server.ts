/**
 * The LAN range server: `GET`/`HEAD /track/{id}` over plain HTTP for players on the local network
 * (Cranpose's peer protocol). Every request passes, in this order: the Host check (DNS
 * rebinding), the method (read-only), authorisation (before anything is looked up, so a 401 says
 * nothing about which ids exist), then the id, resolved only through the library.
 */
import { guardHttpServer, httpLimitOptions } from './http-limits';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { isLanHost } from './host-check';
import { sendText, serveTrack, type LanTrack } from './serve-track';

/** Limits that keep hostile or stuck clients from holding the server's memory and sockets. */
export interface LanLimits {
  /** Most bytes in one 206 body (default 8 MiB); the player asks for the next range. */
  maxRangeBytes: number;
  /** Read size (default 1 MiB: 256 KiB streamed about a fifth slower over loopback). */
  chunkSize: number;
  /** Whole request head within this (default 10 s): slowloris clients are cut. */
  headersTimeoutMs: number;
  /** Whole request within this (default 15 s; GETs have no body). */
  requestTimeoutMs: number;
  /** How often Node checks the two above (default 1 s). */
  checkIntervalMs: number;
  /** Idle keep-alive sockets close after this (default 5 s). */
  keepAliveTimeoutMs: number;
  /** A response whose socket takes nothing for this long is dropped (default 120 s). */
  stallTimeoutMs: number;
  /** Open connections at most (default 1024); more are closed at once. */
  maxConnections: number;
  /** Largest request head in bytes (default 8 KiB); more gets 431. */
  maxHeaderSize: number;
}

/** What the server needs from its host. */
export interface LanServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The only way from an id to a file: the library's published tracks. */
  resolve: (id: string) => LanTrack | undefined;
  /** The device a request is authorised as (from its Authorization header), or undefined. */
  authorize: (req: IncomingMessage) => string | undefined;
  /** The file behind an id changed on disk: the library should look at it again. */
  onStale?: (id: string) => void;
  /** Sees every request that passed the Host check, and its response (diagnostics, tests). */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => void;
  limits?: Partial<LanLimits>;
  /**
   * Listening rooms (rooms/room-host.ts): sees every request and upgrade after the Host check and
   * before the token check, and answers true when it took it (`/room/…` paths).
   */
  rooms?: {
    request(req: IncomingMessage, res: ServerResponse): boolean;
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  };
}

/** The defaults of `LanLimits`. */
export const DEFAULT_LAN_LIMITS: LanLimits = {
  maxRangeBytes: 8 * 1024 * 1024,
  chunkSize: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  checkIntervalMs: 1_000,
  keepAliveTimeoutMs: 5_000,
  stallTimeoutMs: 120_000,
  maxConnections: 1024,
  maxHeaderSize: 8 * 1024,
};

/** Track ids are 32 lowercase hex characters (library/fingerprint.ts); nothing else is looked up. */
const TRACK_PATH = /^\/track\/([0-9a-f]{32})$/;

/** A listening LAN server. */
export class LanServer {
  /** Open responses per device, so a revoked device loses them at once. */
  private readonly open = new Map<string, Set<ServerResponse>>();
  private readonly limits: LanLimits;

  private constructor(
    private readonly server: Server,
    private readonly opts: LanServerOptions,
    limits: LanLimits,
    private readonly destroyAll: () => void,
  ) {
    this.limits = limits;
  }

  /** Starts listening; rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL…). */
  static async start(opts: LanServerOptions): Promise<LanServer> {
    const limits = { ...DEFAULT_LAN_LIMITS, ...opts.limits };
    const server = createServer(httpLimitOptions(limits));
    const guard = guardHttpServer(server, limits);
    const lan = new LanServer(server, opts, limits, guard.destroyAll);
    server.on('request', (req, res) => lan.handle(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const ok = isLanHost(req.headers.host) && opts.rooms?.upgrade(req, socket, head);
      if (!ok)
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return lan;
  }

  /** The bound port. */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Responses in flight (tests, diagnostics). */
  get activeResponses(): number {
    let n = 0;
    for (const set of this.open.values()) n += set.size;
    return n;
  }

  /** Ends every open response of `device` now (its token was revoked). */
  cutDevice(device: string): void {
    const set = this.open.get(device);
    if (!set) return;
    for (const res of set) res.destroy();
    this.open.delete(device);
  }

  /** Stops listening and closes every connection, idle or not. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.destroyAll(); // upgraded ones (rooms) too
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // Before anything else: a rebinding page's request carries its own host name.
    if (!isLanHost(req.headers.host)) return sendText(res, 403, 'Host not allowed');
    this.opts.onRequest?.(req, res);
    if (this.opts.rooms?.request(req, res)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendText(res, 405, 'Only GET and HEAD');
    }
    const device = this.opts.authorize(req);
    if (device === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="tunecamp-share"');
      return sendText(res, 401, 'A device token is needed (tunecamp-share lan-token create NAME)');
    }
    // The id is matched as sent: no decoding, so `%2e%2e/` or `../` is just not an id.
    const pathname = (req.url ?? '').split('?', 1)[0] as string;
    const id = TRACK_PATH.exec(pathname)?.[1];
    const track = id === undefined ? undefined : this.opts.resolve(id);
    if (!track) return sendText(res, 404, 'No such track');
    this.track(device, res);
    serveTrack(req, res, track, {
      maxRangeBytes: this.limits.maxRangeBytes,
      chunkSize: this.limits.chunkSize,
      onStale: (staleId) => this.opts.onStale?.(staleId),
    }).catch(() => res.destroy());
  }

  /** Files `res` under `device` until it closes. */
  private track(device: string, res: ServerResponse): void {
    let set = this.open.get(device);
    if (!set) this.open.set(device, (set = new Set()));
    set.add(res);
    res.once('close', () => {
      set.delete(res);
      if (set.size === 0 && this.open.get(device) === set) this.open.delete(device);
    });
  }
}
