import { lastUpgradeAt, startBenchHub } from '../lib/hub';
import { mib } from '../lib/context';
import type { BenchContext } from '../lib/context';
import { ProcWatch } from '../lib/proc';

const MiB = 'MiB';

/** Makes sure a warm state dir exists (one unmeasured cold scan if cold did not run). */
export async function ensureWarm(ctx: BenchContext): Promise<string> {
  if (ctx.warmStateDir) return ctx.warmStateDir;
  const corpus = await ctx.corpus(ctx.config.tracks);
  const hub = await startBenchHub();
  try {
    const stateDir = await ctx.tempDir('state');
    console.log('  (warming a scan cache: one unmeasured cold scan)');
    const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir });
    await ctx.published(hub, d, corpus);
    await ctx.stopDaemon(hub, d);
    ctx.warmStateDir = stateDir;
    return stateDir;
  } finally {
    await hub.close();
  }
}

/** Warm restart: spawn again on a state dir holding the scan cache → hub holds the corpus. */
export async function warmRestart(ctx: BenchContext): Promise<void> {
  const stateDir = await ensureWarm(ctx);
  const corpus = await ctx.corpus(ctx.config.tracks);
  const hub = await startBenchHub();
  try {
    for (let run = 0; run < ctx.config.runs; run++) {
      const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir });
      const watch = new ProcWatch(d.pid, 50);
      await watch.start();
      const p = await ctx.published(hub, d, corpus);
      const at = watch.sampleAt(p.at);
      await watch.stop();
      ctx.add({
        key: 'warm.publish',
        measures: `warm restart with ${corpus.summary.tracks} tracks cached: spawn → hub holds the manifest`,
        unit: 's',
        values: [(p.at - d.spawnedAt) / 1000],
        target: '< 1.5 s (20k)',
        pass: (m) => m < 1.5,
      });
      ctx.add({
        key: 'warm.cpu',
        measures: 'daemon CPU time from spawn to published (warm)',
        unit: 's',
        values: [(at?.cpuMs ?? NaN) / 1000],
      });
      await ctx.stopDaemon(hub, d);
    }
  } finally {
    await hub.close();
  }
}

/** Idle: the corpus shared and watched, published; CPU% and RSS sampled from /proc afterwards. */
export async function idle(ctx: BenchContext): Promise<void> {
  const stateDir = await ensureWarm(ctx);
  const corpus = await ctx.corpus(ctx.config.tracks);
  const hub = await startBenchHub();
  const seconds = ctx.config.quick ? 5 : 10;
  try {
    const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir });
    await ctx.published(hub, d, corpus);
    await new Promise((r) => setTimeout(r, ctx.config.quick ? 1000 : 3000)); // let watchers finish setting up
    const watch = new ProcWatch(d.pid, 250);
    await watch.start();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const r = await watch.stop();
    const note = `${corpus.summary.tracks} tracks, ${seconds} s sampled after ready`;
    ctx.add({
      key: 'idle.cpu',
      measures: 'daemon CPU while idle, shared and watched',
      unit: '%',
      values: [(r.cpuMs / r.wallMs) * 100],
      target: '< 1 %',
      pass: (m) => m < 1,
      note,
    });
    ctx.add({
      key: 'idle.rss',
      measures: 'daemon RSS while idle, shared and watched (max sample)',
      unit: MiB,
      values: [mib(r.maxRssBytes)],
      target: '< 200 MiB (20k)',
      pass: (m) => m < 200,
      note,
    });
    await ctx.stopDaemon(hub, d);
  } finally {
    await hub.close();
  }
}

/** 100k tracks: cold scan completes, peak RSS, and the time to resend the manifest after a kick. */
export async function scale(ctx: BenchContext): Promise<void> {
  const corpus = await ctx.corpus(ctx.config.scaleTracks, 1);
  const hub = await startBenchHub();
  const n = corpus.summary.tracks;
  try {
    const stateDir = await ctx.tempDir('state-scale');
    const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir });
    const watch = new ProcWatch(d.pid, 200);
    await watch.start();
    const p = await ctx.published(hub, d, corpus, { timeoutMs: 30 * 60_000 });
    ctx.add({
      key: 'scale.publish',
      measures: `cold scan of ${n} tracks: spawn → hub holds the manifest`,
      unit: 's',
      values: [(p.at - d.spawnedAt) / 1000],
      target: 'completes',
    });
    const manifestMiB = mib(Buffer.byteLength(JSON.stringify(hub.tracks(p.sessionId))));
    await new Promise((r) => setTimeout(r, 11_000)); // not a "replaced within 10 s" session (see live.ts)
    hub.kick(p.sessionId);
    const again = await ctx.published(hub, d, corpus, { exclude: p.sessionId, timeoutMs: 60_000 });
    ctx.add({
      key: 'scale.manifest',
      measures: `after a kick: hub accepts the new connection (auth_ok) → holds all ${n} tracks (manifest build, send, hub-side parse)`,
      unit: 's',
      values: [(again.at - lastUpgradeAt(hub)) / 1000],
      target: 'send < 2 s',
      pass: (m) => m < 2,
      note: `manifest ≈ ${manifestMiB.toFixed(1)} MiB of JSON`,
    });
    const r = await watch.stop();
    ctx.add({
      key: 'scale.peakRss',
      measures: `daemon peak RSS (VmHWM) over scan and resend, ${n} tracks`,
      unit: MiB,
      values: [mib(r.end.peakRssBytes)],
      target: '< 400 MiB',
      pass: (m) => m < 400,
    });
    await ctx.stopDaemon(hub, d);
  } finally {
    await hub.close();
    if (!ctx.config.keepCorpus) await ctx.dropCorpus(corpus);
  }
}
