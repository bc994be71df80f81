import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

const run = async (cmd: string, args: string[]): Promise<string> =>
  (await promisify(execFile)(cmd, args)).stdout;

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

/** Writes in slices this big at most, so neither side's buffers can hide a backlog. */
const SLICE = 4096;
/** The proxy reads at most this far ahead of what the bucket has let through. */
const READ_AHEAD = 16 * 1024;
const TICK_MS = 2;

/**
 * A TCP proxy on 127.0.0.1 that paces the client→server direction with a token bucket, emulating a
 * home uplink. The proxy reads only READ_AHEAD bytes ahead of the bucket (small highWaterMark,
 * reading paused while over budget), so the backlog builds in the *client's* socket as it would
 * behind a real slow link, and the client's own pacing is what is measured.
 */
export async function startThrottleProxy(o: ThrottleOptions): Promise<ThrottleProxy> {
  const bytesPerMs = o.upBitsPerSecond / 8 / 1000;
  const burst = o.burstBytes ?? 16 * 1024;
  const sockets = new Set<net.Socket>();
  let upBytes = 0;

  const server = net.createServer(
    { highWaterMark: SLICE, allowHalfOpen: true } as net.ServerOpts,
    (client) => {
      const upstream = net.connect({ host: o.targetHost, port: o.targetPort });
      sockets.add(client).add(upstream);
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      let tokens = burst;
      let last = performance.now();
      const pending: Buffer[] = [];
      let pendingBytes = 0;
      let timer: NodeJS.Timeout | undefined;
      let clientEnded = false;
      // Sends whatever the bucket allows every TICK_MS; reads ahead at most READ_AHEAD bytes.
      const pump = (): void => {
        const now = performance.now();
        tokens = Math.min(burst, tokens + (now - last) * bytesPerMs);
        last = now;
        while (pending.length > 0 && tokens >= 1 && upstream.writableLength < SLICE * 4) {
          const head = pending[0]!;
          const n = Math.min(head.length, Math.floor(tokens), SLICE);
          upstream.write(head.subarray(0, n));
          upBytes += n;
          pendingBytes -= n;
          tokens -= n;
          if (n === head.length) pending.shift();
          else pending[0] = head.subarray(n);
        }
        if (pendingBytes < READ_AHEAD) client.resume();
        if (pending.length === 0) {
          clearInterval(timer);
          timer = undefined;
          if (clientEnded) upstream.end(); // flushed: pass the client's FIN on
        } else timer ??= setInterval(pump, TICK_MS);
      };
      client.on('data', (chunk: Buffer) => {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= READ_AHEAD) client.pause(); // over budget: the backlog stays in the client's socket
        if (!timer) pump();
      });
      upstream.on('data', (chunk: Buffer) => {
        if (client.write(chunk)) return;
        upstream.pause(); // server→client is not limited, only kept from ballooning in the proxy
        client.once('drain', () => upstream.resume());
      });
      client.on('end', () => {
        clientEnded = true;
        if (!timer) pump();
      });
      const shut = (): void => {
        clearInterval(timer);
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', shut);
      upstream.on('close', shut).on('error', shut);
    },
  );
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

/**
 * Bytes the two kernels hold between a client and this proxy on `proxyPort`: the client socket's
 * Send-Q plus the proxy socket's Recv-Q, read with `ss` (Linux). On loopback these buffers grow to
 * megabytes, far beyond what a real 20 Mbit/s path would hold, so reports subtract them to show the
 * part the client itself queued. Resolves NaN when `ss` is unavailable.
 */
export async function kernelQueueBytes(proxyPort: number): Promise<number> {
  const out = await run('ss', ['-tnH', 'state', 'established']).catch(() => '');
  if (out === '') return NaN;
  let total = 0;
  for (const line of out.split('\n')) {
    const [recvQ, sendQ, local, peer] = line.trim().split(/\s+/);
    if (!local || !peer) continue;
    if (peer.endsWith(`:${proxyPort}`)) total += Number(sendQ);
    else if (local.endsWith(`:${proxyPort}`)) total += Number(recvQ);
  }
  return total;
}
