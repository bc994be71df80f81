/**
 * The app-to-app listener: mutual TLS (tls-pinning.ts), one JSON line in and one out.
 * - `{"type":"pair","secret","name"}`: a device that opened our pairing link proves it with the
 *   link's one-time secret; its certificate's hash becomes a paired id. Failed attempts are
 *   limited per address (3 a minute), so a secret cannot be guessed over the network.
 * - `{"type":"hello"}`: a paired device checks in; the connection stays open, and is cut as soon
 *   as the device is unpaired (`revoke`).
 * Anything else, or more than 4 KiB before a newline, closes the connection.
 */
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Identity } from '../identity';
import { peerDeviceId, pinnedServerOptions } from '../tls-pinning';
import { consumeOffer } from './offers';
import { addPeer, readPeers } from './peers-store';

const MAX_LINE = 4096;
const FAILURES_PER_MINUTE = 3;

/** A running pairing server. */
export interface PairServer {
  port: number;
  /** Cuts every open connection of a device that was just unpaired. */
  revoke(id: string): void;
  close(): Promise<void>;
}

/** Starts the listener on `host:port` (0: any free port). */
export async function startPairServer(opts: {
  stateDir: string;
  me: Identity;
  name: string;
  host: string;
  port: number;
  /** Tells the user (the activity log). */
  note?: (message: string) => void;
}): Promise<PairServer> {
  const failures = new Map<string, number[]>();
  const open = new Map<string, Set<TLSSocket>>();
  const limited = (addr: string) => {
    const now = Date.now();
    const recent = (failures.get(addr) ?? []).filter((t) => now - t < 60_000);
    failures.set(addr, recent);
    return recent.length >= FAILURES_PER_MINUTE;
  };
  const fail = (addr: string) =>
    failures.get(addr)?.push(Date.now()) ?? failures.set(addr, [Date.now()]);
  const reply = (socket: TLSSocket, body: object) => socket.end(`${JSON.stringify(body)}\n`);

  const handle = async (socket: TLSSocket, line: string) => {
    const addr = socket.remoteAddress ?? '?';
    const id = peerDeviceId(socket);
    let msg: { type?: unknown; secret?: unknown; name?: unknown };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return socket.destroy();
    }
    if (!id) return reply(socket, { ok: false, error: 'a certificate is required' });
    if (msg.type === 'hello') {
      if (!(await readPeers(opts.stateDir)).some((p) => p.id === id))
        return reply(socket, { ok: false, error: 'not paired' });
      const set = open.get(id) ?? new Set();
      open.set(id, set.add(socket));
      socket.once('close', () => set.delete(socket));
      return socket.write(`${JSON.stringify({ ok: true, name: opts.name })}\n`);
    }
    if (msg.type !== 'pair' || typeof msg.secret !== 'string') return socket.destroy();
    if (limited(addr))
      return reply(socket, { ok: false, error: 'too many attempts: wait a minute' });
    const verdict = await consumeOffer(opts.stateDir, msg.secret);
    if (verdict !== 'ok') {
      fail(addr);
      const error =
        verdict === 'expired'
          ? 'the pairing link has expired'
          : 'the pairing link is not valid (or was used)';
      return reply(socket, { ok: false, error });
    }
    const peer = await addPeer(opts.stateDir, {
      id,
      name: typeof msg.name === 'string' ? msg.name : '',
    });
    opts.note?.(`Paired with ${peer.name}`);
    reply(socket, { ok: true, name: opts.name });
  };

  const server: Server = createServer(pinnedServerOptions(opts.me), (socket) => {
    let buf = '';
    socket.setTimeout(15_000, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > MAX_LINE) socket.destroy();
        return;
      }
      socket.removeAllListeners('data');
      socket.setTimeout(0);
      void handle(socket, buf.slice(0, nl)).catch(() => socket.destroy());
    });
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    revoke: (id) => {
      for (const s of open.get(id) ?? []) s.destroy();
      open.delete(id);
    },
    close: () =>
      new Promise((resolve) => {
        for (const set of open.values()) for (const s of set) s.destroy();
        server.close(() => resolve());
      }),
  };
}
