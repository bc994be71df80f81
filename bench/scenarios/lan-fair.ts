/**
 * Fair share (`--only lan-fair`, issue 13): 20 listeners stream from the LAN server while one
 * listener streams the same daemon's file through the tunnel to the bench hub. Each LAN listener
 * is a full-speed player on its own keep-alive connection (chained `bytes=N-` ranges, the worst
 * case: a real player needs ~1.4 Mbit/s), then again paced to 2 MB/s each (`lanFair.paced.*`: a
 * player buffering ahead at 16 Mbit/s). Figures: each listener's throughput while the tunnel
 * stream runs, their min/max ratio and Jain's index, and the tunnel stream's rate alone and with
 * the LAN load (the alone run before the loaded ones on even runs, after them on odd ones, so slow
 * drifts of a shared machine favour neither).
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Hub } from '../../test/hub/emulator';
import type { BenchContext } from '../lib/context';
import { CLI } from '../lib/daemon';
import type { Daemon } from '../lib/daemon';
import { listenOffThread, startBenchHub, waitPublished } from '../lib/hub';
import { jain, startLanListeners } from '../lib/lan-listeners';
import { ProcWatch } from '../lib/proc';
import { quantile } from '../lib/report';
import { freePort, writeWav } from './lan';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const MB = 1e6;

/** A daemon with `--lan` on 127.0.0.1 sharing `music`, published to a bench hub. */
export interface LanDaemon {
  hub: Hub;
  d: Daemon;
  sessionId: string;
  /** Authorization header value (a device token made with `lan-token create`). */
  auth: string;
  token: string;
  url(trackId: string): string;
}

/** Starts the daemon with a fresh device token; `fn` runs while it is up, then all is stopped. */
export async function withLanDaemon(
  ctx: BenchContext,
  o: { music: string; stateDir: string; tracks: number },
  fn: (l: LanDaemon) => Promise<void>,
): Promise<void> {
  const { music, stateDir, tracks } = o;
  await mkdir(stateDir, { recursive: true });
  const { stdout } = await run(process.execPath, [
    CLI,
    'lan-token',
    'create',
    'bench',
    '--state-dir',
    stateDir,
  ]);
  const token = stdout.trim();
  const port = await freePort();
  const hub = await startBenchHub();
  try {
    const d = ctx.spawn({
      serverUrl: hub.url,
      shares: [music],
      stateDir,
      extraArgs: ['--lan-host', '127.0.0.1', '--lan-port', String(port)],
    });
    const p = await waitPublished(hub, {
      min: tracks,
      settleMs: 500,
      timeoutMs: 120_000,
      daemon: d,
    });
    await fn({
      hub,
      d,
      sessionId: p.sessionId,
      auth: `Bearer ${token}`,
      token,
      url: (id) => `http://127.0.0.1:${port}/track/${id}`,
    });
    await d.stop();
  } finally {
    await hub.close();
  }
}

/** One tunnel stream of `tid` to the hub, end to end: MB/s, or an error when it came short. */
async function tunnelStream(l: LanDaemon, tid: string): Promise<number> {
  const r = await listenOffThread(l.hub, l.sessionId, tid);
  if (r.status !== 200 || r.bytes !== r.expected)
    throw new Error(`tunnel stream failed: HTTP ${r.status}, ${r.bytes} of ${r.expected} bytes`);
  return r.bytes / MB / (r.ms / 1000);
}

/** What one loaded run gave: the tunnel's rate, each listener's, and the daemon's CPU. */
interface Loaded {
  tunnel: number;
  rates: number[];
  seconds: number;
  daemonCpu: number;
  /** This process (hub emulator, tunnel listener and LAN listener threads), % of one core. */
  benchCpu: number;
}

/**
 * Starts `count` LAN listeners of `load.url` (`size` bytes; paced to `rate` bytes/s each, or full
 * speed), lets them run 1 s, then streams `tid` through `l`'s tunnel once; listener rates are
 * taken over that stream's window.
 */
async function loadedRun(
  l: LanDaemon,
  tid: string,
  load: { url: string; auth: string },
  size: number,
  count: number,
  rate?: number,
): Promise<Loaded> {
  const lan = startLanListeners({ ...load, count, size, rate });
  try {
    await new Promise((res) => setTimeout(res, 1000)); // all under way
    const watch = new ProcWatch(l.d.pid, 100);
    await watch.start();
    const s0 = await lan.sample();
    const own = process.cpuUsage();
    const tunnel = await tunnelStream(l, tid);
    const ownUsed = process.cpuUsage(own);
    const s1 = await lan.sample();
    const w = await watch.stop();
    if (s1.errors.length > 0) throw new Error(`LAN listeners: ${s1.errors.join('; ')}`);
    const seconds = (s1.at - s0.at) / 1000;
    const rates = s1.counts.map((c, i) => (c - s0.counts[i]!) / MB / seconds);
    const benchCpu = ((ownUsed.user + ownUsed.system) / 1000 / w.wallMs) * 100;
    return { tunnel, rates, seconds, daemonCpu: (w.cpuMs / w.wallMs) * 100, benchCpu };
  } finally {
    await lan.stop();
  }
}

/** Records one loaded run's figures under `key` (`lanFair` or `lanFair.paced`). */
function record(ctx: BenchContext, key: string, what: string, r: Loaded, alone: number): void {
  const sorted = [...r.rates].sort((a, b) => a - b);
  const n = r.rates.length;
  ctx.add({
    key: `${key}.tunnelWithLan`,
    measures: `the tunnel stream while ${n} LAN listeners stream ${what}`,
    unit: 'MB/s',
    values: [r.tunnel],
    note: `alone in the same run: ${alone.toFixed(0)} MB/s; CPU in % of one core: daemon ${r.daemonCpu.toFixed(0)}, bench process ${r.benchCpu.toFixed(0)}`,
  });
  ctx.add({
    key: `${key}.tunnelShare`,
    measures: 'tunnel rate with that LAN load / alone, the same run',
    unit: 'x',
    values: [r.tunnel / alone],
  });
  ctx.add({
    key: `${key}.tunnelVsListener`,
    measures:
      'tunnel rate / the median LAN listener, the same window (1 = the tunnel gets as much as one listener)',
    unit: 'x',
    values: [r.tunnel / quantile(r.rates, 0.5)],
  });
  ctx.add({
    key: `${key}.listenerMin`,
    measures: `slowest of the ${n} LAN listeners while the tunnel streamed`,
    unit: 'MB/s',
    values: [sorted[0]!],
  });
  ctx.add({
    key: `${key}.listenerMedian`,
    measures: 'median LAN listener, the same window',
    unit: 'MB/s',
    values: [quantile(r.rates, 0.5)],
  });
  ctx.add({
    key: `${key}.listenerMax`,
    measures: 'fastest LAN listener, the same window',
    unit: 'MB/s',
    values: [sorted.at(-1)!],
  });
  ctx.add({
    key: `${key}.lanTotal`,
    measures: `all ${n} LAN listeners together, the same window`,
    unit: 'MB/s',
    values: [r.rates.reduce((a, x) => a + x, 0)],
    note: `window ${r.seconds.toFixed(1)} s; per listener: ${r.rates.map((x) => x.toFixed(1)).join(' ')}`,
  });
  ctx.add({
    key: `${key}.minMaxRatio`,
    measures: 'slowest / fastest LAN listener (1 = perfectly fair)',
    unit: 'ratio',
    values: [sorted.at(-1)! > 0 ? sorted[0]! / sorted.at(-1)! : 0],
    target: 'fair share',
  });
  ctx.add({
    key: `${key}.jain`,
    measures: `Jain's fairness index of the ${n} listeners' rates (1 = equal, 1/${n} = one gets all)`,
    unit: 'index',
    values: [jain(r.rates)],
    target: 'fair share (>= 0.9)',
    pass: (m) => m >= 0.9,
  });
}

export async function lanFair(ctx: BenchContext): Promise<void> {
  const dir = await ctx.tempDir('lan-fair');
  const music = path.join(dir, 'music');
  await mkdir(music, { recursive: true });
  // The LAN listeners read a large file; the tunnel streams a smaller one, so a tunnel slowed
  // to a few MB/s by the load still ends in seconds.
  const size = (ctx.config.quick ? 128 : 512) * MiB;
  const tunnelSize = (ctx.config.quick ? 32 : 128) * MiB;
  await writeWav(path.join(music, 'big.wav'), size);
  await writeWav(path.join(music, 'tunnel.wav'), tunnelSize);
  const LISTENERS = 20;
  /** A player buffering ahead at 2 MB/s: 16 Mbit/s, over ten times a CD-quality FLAC. */
  const PACED = 2 * MB;
  const stateDir = path.join(dir, 'state');
  await withLanDaemon(ctx, { music, stateDir, tracks: 2 }, async (l) => {
    const bySize = (n: number) => l.hub.tracks().find((t) => t.fileSizeBytes === n)!.id;
    const lid = bySize(size);
    const tid = bySize(tunnelSize);
    // Unmeasured first: JIT in daemon and hub, the file in the page cache.
    await tunnelStream(l, tid);
    for (let r = 0; r < ctx.config.runs; r++) {
      const alone = async () => {
        const mbps = await tunnelStream(l, tid);
        ctx.add({
          key: 'lanFair.tunnelAlone',
          measures: `one ${(tunnelSize / MB).toFixed(0)} MB stream through the tunnel to the bench hub, no LAN load`,
          unit: 'MB/s',
          values: [mbps],
        });
        return mbps;
      };
      // Alone before the loaded runs on even runs, after them on odd ones.
      const before = r % 2 === 0 ? await alone() : undefined;
      const load = { url: l.url(lid), auth: l.auth };
      const full = await loadedRun(l, tid, load, size, LISTENERS);
      const paced = await loadedRun(l, tid, load, size, LISTENERS, PACED);
      const after = before ?? (await alone());
      record(ctx, 'lanFair', 'at full speed', full, after);
      record(ctx, 'lanFair.paced', `paced to ${PACED / MB} MB/s each`, paced, after);
    }

    // Control: the same full-speed load on a second daemon's LAN server (same file, same
    // machine). What the tunnel loses here is the machine's (CPU, loopback); what it loses only
    // above is the daemon's own scheduling between its LAN server and its tunnel.
    const other = { music, stateDir: path.join(dir, 'state-control'), tracks: 2 };
    await withLanDaemon(ctx, other, async (o) => {
      const olid = o.hub.tracks().find((t) => t.fileSizeBytes === size)!.id;
      for (let r = 0; r < ctx.config.runs; r++) {
        const before = r % 2 === 0 ? await tunnelStream(l, tid) : undefined;
        const c = await loadedRun(l, tid, { url: o.url(olid), auth: o.auth }, size, LISTENERS);
        const after = before ?? (await tunnelStream(l, tid));
        ctx.add({
          key: 'lanFair.control.tunnelShare',
          measures: `control: tunnel rate while ${LISTENERS} full-speed listeners read from a second daemon's LAN server / alone, the same run`,
          unit: 'x',
          values: [c.tunnel / after],
          note: `CPU in % of one core: tunnel daemon ${c.daemonCpu.toFixed(0)}, bench process ${c.benchCpu.toFixed(0)}`,
        });
        ctx.add({
          key: 'lanFair.control.lanTotal',
          measures: 'control: all listeners together, from the second daemon',
          unit: 'MB/s',
          values: [c.rates.reduce((a, x) => a + x, 0)],
        });
      }
    });
  });
}
