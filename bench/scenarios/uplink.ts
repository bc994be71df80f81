import type { BenchContext } from '../lib/context';
import { listen, startBenchHub } from '../lib/hub';
import { quantile } from '../lib/report';
import { kernelQueueBytes, startThrottleProxy } from '../throttle-proxy';
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
  const proxy = await startThrottleProxy({
    targetHost: '127.0.0.1',
    targetPort: hub.port,
    upBitsPerSecond: UPLINK_BITS,
  });
  const streamSeconds = ctx.config.quick ? 5 : 15;
  try {
    hub.setPinging(false); // the bench sends its own pings so it knows when each left
    const d = ctx.spawn({
      serverUrl: `http://127.0.0.1:${proxy.port}`,
      shares: [corpus.dir],
      stateDir,
    });
    const p = await ctx.published(hub, d, corpus, { timeoutMs: 600_000 });
    const tid = largeTrackId(hub, corpus);
    for (let run = 0; run < Math.max(1, ctx.config.runs - 1); run++) {
      const sentAt: number[] = [];
      const latencies: number[] = [];
      const netLatencies: number[] = [];
      const queueAtPing: number[] = [];
      const queues: number[] = [];
      let queue = NaN; // unknown until the first ss sample
      const sampler = setInterval(() => {
        void kernelQueueBytes(proxy.port).then((q) => {
          if (!Number.isNaN(q)) queues.push((queue = q));
        });
      }, 250);
      let seen = hub.received.length;
      const reader = setInterval(() => {
        for (; seen < hub.received.length; seen++) {
          const f = hub.received[seen]!;
          if (f.type !== 'pong' || f.sessionId !== p.sessionId) continue;
          const ping = sentAt.shift();
          const q = queueAtPing.shift() ?? NaN;
          if (ping === undefined) continue;
          latencies.push(f.at - ping);
          if (Number.isNaN(q)) continue;
          // What the kernels held when the ping left would take q / rate to drain on this link.
          netLatencies.push(Math.max(0, f.at - ping - (q * 8 * 1000) / UPLINK_BITS));
        }
      }, 5);
      const pinger = setInterval(() => {
        sentAt.push(Date.now());
        queueAtPing.push(queue);
        hub.send(p.sessionId, { type: 'ping' });
      }, 200);
      const l = listen(hub, p.sessionId, tid);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, streamSeconds * 1000));
      clearInterval(pinger);
      await new Promise((r) => setTimeout(r, 1000)); // let the last pongs through
      clearInterval(reader);
      clearInterval(sampler);
      const kernelAtCancel = await kernelQueueBytes(proxy.port);
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
        measures:
          'behind a 20 Mbit/s uplink, streaming: hub ping → pong received, 99th percentile (pings every 200 ms)',
        unit: 'ms',
        values: [quantile(latencies, 0.99)],
        target: '≤ 300 ms',
        pass: (m) => m <= 300,
        note: `${latencies.length} pings, max ${Math.max(...latencies)} ms${lost ? `, ${lost} unanswered` : ''}`,
      });
      ctx.add({
        key: 'uplink.afterCancel',
        measures:
          'bytes the daemon still sent up the 20 Mbit/s link after the listener hung up (hub sent cancel_request)',
        unit: 'KiB',
        values: [(last - upAtCancel) / 1024],
        target: '< 512 KiB',
        pass: (m) => m < 512,
      });
      ctx.add({
        key: 'uplink.pongP99Net',
        measures:
          'the same, minus the time the kernel socket buffers (sampled with ss) take to drain at 20 Mbit/s: the daemon-side share (estimate)',
        unit: 'ms',
        values: [quantile(netLatencies, 0.99)],
      });
      ctx.add({
        key: 'uplink.kernelQueue',
        measures:
          'bytes held in loopback kernel socket buffers between daemon and proxy while streaming (mean of ss samples)',
        unit: 'KiB',
        values: [queues.reduce((a, b) => a + b, 0) / Math.max(1, queues.length) / 1024],
      });
      ctx.add({
        key: 'uplink.afterCancelNet',
        measures:
          'bytes after the hang-up minus what the kernel buffers already held at that moment: what the daemon itself still sent',
        unit: 'KiB',
        values: [Math.max(0, last - upAtCancel - kernelAtCancel) / 1024],
      });
      ctx.add({
        key: 'uplink.goodput',
        measures:
          'file bytes delivered to the listener through the 20 Mbit/s link (base64 costs 4/3)',
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
