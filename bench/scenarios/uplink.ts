import type { BenchContext } from '../lib/context';
import { listen, startBenchHub } from '../lib/hub';
import { quantile } from '../lib/report';
import { startThrottleProxy } from '../throttle-proxy';
import { ensureWarm } from './scan';
import { largeTrackId } from './stream';

const UPLINK_BITS = 20e6;

/**
 * Slow uplink: the daemon reaches the hub through a 20 Mbit/s client→server proxy while streaming
 * the large file. The hub pings every 200 ms; figures are the p99 ping→pong time during the
 * stream and the bytes still pushed up the link after the listener hangs up (cancel_request).
 */
export async function slowUplink(ctx: BenchContext): Promise<void> {
  const stateDir = await ensureWarm(ctx);
  const corpus = await ctx.corpus(ctx.config.tracks);
  const hub = await startBenchHub();
  const proxy = await startThrottleProxy({ targetHost: '127.0.0.1', targetPort: hub.port, upBitsPerSecond: UPLINK_BITS });
  const streamSeconds = ctx.config.quick ? 5 : 15;
  try {
    hub.setPinging(false); // the bench sends its own pings so it knows when each left
    const d = ctx.spawn({ serverUrl: `http://127.0.0.1:${proxy.port}`, shares: [corpus.dir], stateDir });
    const p = await ctx.published(hub, d, corpus, { timeoutMs: 600_000 });
    const tid = largeTrackId(hub, corpus);
    for (let run = 0; run < Math.max(1, ctx.config.runs - 1); run++) {
      const sentAt: number[] = [];
      const latencies: number[] = [];
      let seen = hub.received.length;
      const reader = setInterval(() => {
        for (; seen < hub.received.length; seen++) {
          const f = hub.received[seen]!;
          if (f.type !== 'pong' || f.sessionId !== p.sessionId) continue;
          const ping = sentAt.shift();
          if (ping !== undefined) latencies.push(f.at - ping);
        }
      }, 5);
      const pinger = setInterval(() => {
        sentAt.push(Date.now());
        hub.send(p.sessionId, { type: 'ping' });
      }, 200);
      const l = listen(hub, p.sessionId, tid);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, streamSeconds * 1000));
      clearInterval(pinger);
      await new Promise((r) => setTimeout(r, 1000)); // let the last pongs through
      clearInterval(reader);
      const streamed = l.bytes();
      const streamMs = performance.now() - t0;
      const upAtCancel = proxy.upBytes();
      l.abort();
      // Bytes still coming up the link after the hang-up, until it has been quiet for a second.
      let last = upAtCancel;
      let quietSince = performance.now();
      const deadline = performance.now() + 60_000;
      while (performance.now() - quietSince < 1000 && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        if (proxy.upBytes() === last) continue;
        last = proxy.upBytes();
        quietSince = performance.now();
      }
      const lost = sentAt.length;
      ctx.add({
        key: 'uplink.pongP99',
        measures: 'behind a 20 Mbit/s uplink, streaming: hub ping → pong received, 99th percentile (pings every 200 ms)',
        unit: 'ms',
        values: [quantile(latencies, 0.99)],
        target: '≤ 300 ms',
        pass: (m) => m <= 300,
        note: `${latencies.length} pings, max ${Math.max(...latencies)} ms${lost ? `, ${lost} unanswered` : ''}`,
      });
      ctx.add({
        key: 'uplink.afterCancel',
        measures: 'bytes the daemon still sent up the 20 Mbit/s link after the listener hung up (hub sent cancel_request)',
        unit: 'KiB',
        values: [(last - upAtCancel) / 1024],
        target: '< 512 KiB',
        pass: (m) => m < 512,
      });
      ctx.add({
        key: 'uplink.goodput',
        measures: 'file bytes delivered to the listener through the 20 Mbit/s link (base64 costs 4/3)',
        unit: 'Mbit/s',
        values: [(streamed * 8) / 1e6 / (streamMs / 1000)],
      });
      await new Promise((r) => setTimeout(r, 500));
    }
    await ctx.stopDaemon(hub, d);
  } finally {
    await proxy.close();
    await hub.close();
  }
}
