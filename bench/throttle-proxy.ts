import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** Options for {@link startThrottleProxy}. */
export interface ThrottleOptions {
  /** Where to forward connections. */
  targetHost: string;
  targetPort: number;
  /** Client→server budget in bits per second (the slow uplink). Server→client is not limited. */
  upBitsPerSecond: number;
  /** Largest burst the bucket holds, bytes. Default 16 KiB: about 6.5 ms at 20 Mbit/s. */
  burstBytes?: number;
}

/** A running proxy: `port` on 127.0.0.1, `upBytes` counts client→server bytes forwarded so far. */
export interface ThrottleProxy {
  port: number;
  upBytes(): number;
  close(): Promise<void>;
}

/** Reads and writes in slices this big at most, so neither side's buffers can hide a backlog. */
const SLICE = 4096;

/**
 * A TCP proxy on 127.0.0.1 that paces the client→server direction with a token bucket, emulating a
 * home uplink. Socket buffers are kept small (small highWaterMark, reading paused while over budget,
 * send buffer drained before the next read), so the backlog builds in the *client's* socket as it
 * would behind a real slow link, and the client's own pacing is what is measured.
 */
export async function startThrottleProxy(o: ThrottleOptions): Promise<ThrottleProxy> {
  const bytesPerMs = o.upBitsPerSecond / 8 / 1000;
  const burst = o.burstBytes ?? 16 * 1024;
  const sockets = new Set<net.Socket>();
  let upBytes = 0;

  const server = net.createServer({ highWaterMark: SLICE } as net.ServerOpts, (client) => {
    const upstream = net.connect({ host: o.targetHost, port: o.targetPort, highWaterMark: SLICE });
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let tokens = burst;
    let last = performance.now();
    const pending: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const refill = (): void => {
      const now = performance.now();
      tokens = Math.min(burst, tokens + (now - last) * bytesPerMs);
      last = now;
    };
    const pump = (): void => {
      timer = undefined;
      refill();
      while (pending.length > 0 && tokens >= 1) {
        const head = pending[0]!;
        const n = Math.min(head.length, Math.floor(tokens), SLICE);
        upstream.write(head.subarray(0, n));
        upBytes += n;
        tokens -= n;
        if (n === head.length) pending.shift();
        else pending[0] = head.subarray(n);
      }
      if (pending.length > 0) {
        client.pause(); // over budget: let the client's kernel buffer fill, as on a real link
        timer = setTimeout(pump, Math.max(1, Math.ceil((Math.min(SLICE, pending[0]!.length) - tokens) / bytesPerMs)));
      } else if (upstream.writableLength < SLICE) client.resume();
      else upstream.once('drain', () => client.resume());
    };
    client.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      if (!timer) pump();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    const shut = (): void => {
      if (timer) clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', shut).on('error', shut);
    upstream.on('close', shut).on('error', shut);
  });
  server.listen(0, '127.0.0.1');
  await EventEmitter.once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    upBytes: () => upBytes,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
