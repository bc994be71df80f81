import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that can drop its connections two ways: `reset()` (both ends get an
 * RST at once, as when a router restarts) and `cut(ms)` (the path vanishes without a FIN for
 * `ms`: nothing is forwarded and new connections are reset; the cut ones stay dead, so the
 * client notices only by its own silence limit).
 */
export interface DropProxy {
  port: number;
  reset(): void;
  cut(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startDropProxy(targetPort: number): Promise<DropProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) return void client.resetAndDestroy();
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    const pair = { client, upstream, dead: false };
    pairs.add(pair);
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (d: Buffer) => {
        if (pair.dead) return;
        if (!to.write(d)) from.pause();
      });
      to.on('drain', () => from.resume());
    };
    pipe(client, upstream);
    pipe(upstream, client);
    const end = () => {
      pairs.delete(pair);
      if (pair.dead) return; // a vanished path sends nothing, not even a FIN
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', () => undefined);
    upstream.on('close', end).on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    reset: () => {
      for (const p of [...pairs]) {
        p.client.resetAndDestroy();
        p.upstream.resetAndDestroy();
      }
    },
    cut: async (ms) => {
      refusing = true;
      for (const p of pairs) {
        p.dead = true;
        // Keep reading (and dropping) so neither kernel pushes back: the bytes vanish on the way.
        p.client.resume();
        p.upstream.resume();
      }
      await new Promise((r) => setTimeout(r, ms));
      refusing = false;
    },
    close: async () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
