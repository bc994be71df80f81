import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy on 127.0.0.1 whose path can be cut without a FIN, or stop reading one way. */
export interface CutProxy {
  port: number;
  /**
   * The server's machine vanishes: nothing is forwarded either way on open connections, and no
   * FIN or RST is sent; new connections are refused (reset) until `restore()`.
   */
  cut(): void;
  /** The path returns: new connections are forwarded (the cut ones stay dead, as after a reboot). */
  restore(): void;
  /** The server stops reading (`true`): client→server bytes wait in the client's socket. */
  stallUp(on: boolean): void;
  /** Client→server bytes forwarded so far. */
  upBytes(): number;
  close(): Promise<void>;
}

/** Starts a proxy to `targetPort` on 127.0.0.1. */
export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const sockets = new Set<net.Socket>();
  const live = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  let cut = false;
  let stalled = false;
  let up = 0;
  const server = net.createServer((client) => {
    if (cut) return void client.resetAndDestroy();
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    const pair = { client, upstream, dead: false };
    live.add(pair);
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => {
      if (pair.dead) return;
      up += d.length;
      if (!upstream.write(d)) client.pause();
    });
    upstream.on('drain', () => !stalled && client.resume());
    upstream.on('data', (d: Buffer) => void (!pair.dead && client.write(d)));
    const end = () => {
      if (pair.dead) return; // a vanished machine sends nothing, not even a FIN
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', () => undefined);
    upstream.on('close', end).on('error', () => undefined);
    if (stalled) client.pause();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      cut = true;
      for (const p of live) {
        p.dead = true;
        // Keep reading (and dropping) so neither kernel pushes back: the bytes vanish on the way.
        p.client.resume();
        p.upstream.resume();
      }
      live.clear();
    },
    restore: () => void (cut = false),
    stallUp: (on) => {
      stalled = on;
      for (const p of live) {
        if (on) p.client.pause();
        else p.client.resume();
      }
    },
    upBytes: () => up,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
