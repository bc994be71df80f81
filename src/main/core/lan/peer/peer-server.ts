/**
 * The peer listener: HTTPS with mutual TLS, where each side is trusted by its pinned certificate
 * hash (tls-pinning.ts), never by a CA. Every request passes, in order: the Host check (DNS
 * rebinding), a client certificate, then either pairing (`POST /peer/v1/pair` with a link's
 * one-time secret) or the paired device's grants (peer-routes.ts). Unpairing a device, or turning
 * off a grant it was using, cuts its open responses at once.
 */
import { guardHttpServer, httpLimitOptions } from '../http-limits';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Identity } from '../identity';
import { isLanHost } from '../host-check';
import { DEFAULT_LAN_LIMITS, type LanLimits } from '../lan-server';
import { peerDeviceId, pinnedServerOptions } from '../tls-pinning';
import { grantsFor, readPeers, type PairedPeer } from '../pairing/peers-store';
import type { CatalogSource } from './catalog';
import type { NameRequests } from '../pairing/name-requests';
import { handlePair, routePeer, sendJson, type PeerTrackSource } from './peer-routes';

/** What the listener needs from its host. */
export interface PeerServerOptions {
  stateDir: string;
  me: Identity;
  /** This device's name, as paired devices see it. */
  name: string;
  host: string;
  /** 0: any free port. */
  port: number;
  catalog: CatalogSource;
  track: PeerTrackSource;
  onStale?: (id: string) => void;
  /** Tells the user (the activity log). */
  note?: (message: string) => void;
  limits?: Partial<LanLimits>;
  /** Pairing by name (`/peer/v1/pair-*`), when it runs. */
  nameRequests?: () => NameRequests | null;
}

/** A running peer listener. */
export interface PeerServer {
  port: number;
  /** Cuts every connection of a device that was just unpaired. */
  revoke(id: string): void;
  /** Cuts the responses of devices that were unpaired or lost the grant they were using. */
  recheck(peers: PairedPeer[]): void;
  close(): Promise<void>;
}

/** Starts the listener on `host:port`. */
export async function startPeerServer(opts: PeerServerOptions): Promise<PeerServer> {
  const limits = { ...DEFAULT_LAN_LIMITS, ...opts.limits };
  const sockets = new Map<string, Set<TLSSocket>>();
  /** Open track responses: whose, and from which shared folder. */
  const open = new Map<
    ServerResponse,
    { id: string; root: string; purpose: 'stream' | 'download' }
  >();
  const failures = new Map<string, number[]>();
  const server: Server = createServer({
    ...pinnedServerOptions(opts.me),
    // A client that opens a connection and never finishes the handshake is cut (slowloris).
    handshakeTimeout: limits.headersTimeoutMs,
    ...httpLimitOptions(limits),
  });
  const guard = guardHttpServer(server, limits);
  /**
   * Files a connection under its device once a request on it was answered as a paired device's:
   * unpairing cuts those. A device still pairing (link or name) is not filed, so a recheck that
   * runs while its pairing request is in flight cannot cut it (it did: "socket hang up").
   */
  const track = (id: string, socket: TLSSocket) => {
    const set = sockets.get(id) ?? new Set();
    if (set.has(socket)) return;
    sockets.set(id, set.add(socket));
    socket.once('close', () => set.delete(socket));
  };
  server.on('tlsClientError', () => undefined);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Before anything else: a rebinding page's request carries its own host name.
    if (!isLanHost(req.headers.host)) return sendJson(res, 403, { error: 'Host not allowed' });
    const id = peerDeviceId(req.socket as TLSSocket);
    if (!id) return sendJson(res, 401, { error: 'a device certificate is required' });
    const pathname = (req.url ?? '').split('?', 1)[0];
    if (pathname === '/peer/v1/pair') return handlePair(req, res, id, { ...opts, failures });
    if (pathname?.startsWith('/peer/v1/pair-')) {
      const names = opts.nameRequests?.();
      return names ? names.handle(req, res, id) : sendJson(res, 404, { error: 'no such step' });
    }
    const peer = (await readPeers(opts.stateDir)).find((p) => p.id === id);
    if (!peer) return sendJson(res, 403, { error: 'not paired' });
    track(id, req.socket as TLSSocket);
    await routePeer(req, res, peer, {
      ...opts,
      limits,
      opened: (root, purpose) => {
        open.set(res, { id, root, purpose });
        res.once('close', () => open.delete(res));
      },
    });
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const revoke = (id: string) => {
    for (const s of sockets.get(id) ?? []) s.destroy();
    sockets.delete(id);
  };
  return {
    port: (server.address() as AddressInfo).port,
    revoke,
    recheck: (peers) => {
      const byId = new Map(peers.map((p) => [p.id, p]));
      for (const id of [...sockets.keys()]) if (!byId.has(id)) revoke(id);
      for (const [res, o] of open) {
        const p = byId.get(o.id);
        const g = p && grantsFor(p, o.root);
        if (!g || !g[o.purpose]) res.destroy();
      }
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      guard.destroyAll(); // handshakes still under way too: closeAllConnections misses them
      await closed;
    },
  };
}
