import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { Hub } from '../../test/hub/emulator';
import { lastUpgradeAt, startBenchHub, waitPublished } from '../lib/hub';
import { mib } from '../lib/context';
import type { BenchContext, Corpus } from '../lib/context';
import { REFERENCE, spawnReference } from '../lib/reference';
import { ProcWatch } from '../lib/proc';

const MiB = 'MiB';

/**
 * Cold first scan: fresh state dir, spawn → hub holds the corpus. Several runs; the first run's
 * state dir is kept warm for the other scenarios. Also CPU and peak RSS up to that point. With
 * BENCH_REFERENCE, the reference client scans the same corpus once, after our first run.
 */
export async function coldScan(ctx: BenchContext): Promise<void> {
  const corpus = await ctx.corpus(ctx.config.tracks);
  const hub = await startBenchHub();
  const ours: number[] = [];
  let theirs: number | undefined;
  try {
    for (let run = 0; run < ctx.config.runs; run++) {
      // The same scan from a cold page cache (root only), alternated with the warm one.
      if (await dropCaches()) {
        const coldDir = await ctx.tempDir('state');
        const dc = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir: coldDir });
        const pc = await ctx.published(hub, dc, corpus);
        ctx.add({
          key: 'cold.publishColdCache',
          measures: `the same with the page cache dropped first (sync; echo 3 > drop_caches): disk reads included`,
          unit: 's',
          values: [(pc.at - dc.spawnedAt) / 1000],
        });
        await ctx.stopDaemon(hub, dc);
      }
      const stateDir = await ctx.tempDir('state');
      const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir });
      const watch = new ProcWatch(d.pid, 100);
      await watch.start();
      const first = firstTrack(hub);
      const p = await ctx.published(hub, d, corpus);
      ctx.add({
        key: 'cold.firstTrack',
        measures:
          'spawn → the hub holds the first partial manifest (the first tracks are listenable)',
        unit: 's',
        values: [((await first) - d.spawnedAt) / 1000],
        target: '< 1 s (20k)',
        pass: (m) => m < 1,
      });
      const atPublish = watch.sampleAt(p.at);
      await watch.stop();
      ctx.add({
        key: 'cold.publish',
        measures: `cold first scan of ${corpus.summary.tracks} tracks: spawn → hub holds the manifest`,
        unit: 's',
        values: [(p.at - d.spawnedAt) / 1000],
        target: '< 11 s (20k)',
        pass: (m) => m < 11,
        reference: '43 s (20k)',
      });
      ctx.add({
        key: 'cold.cpu',
        measures: 'daemon CPU time (user+sys) from spawn to published',
        unit: 's',
        values: [(atPublish?.cpuMs ?? NaN) / 1000],
      });
      ctx.add({
        key: 'cold.peakRss',
        measures: 'daemon peak RSS (VmHWM) by publish',
        unit: MiB,
        values: [mib(atPublish?.peakRssBytes ?? NaN)],
      });
      await ctx.stopDaemon(hub, d);
      ctx.warmStateDir ??= stateDir;
      ours.push((p.at - d.spawnedAt) / 1000);
      // The reference once, between our first and second runs (BENCH_REFERENCE).
      if (run === 0 && REFERENCE) theirs = await coldReference(ctx, corpus);
    }
    if (theirs !== undefined) {
      const near = ours.slice(0, 2);
      ctx.add({
        key: 'cold.ratio',
        measures:
          "the reference client's cold scan time / ours (mean of the runs just before and after it)",
        unit: 'x',
        values: [theirs / (near.reduce((a, b) => a + b, 0) / near.length)],
        target: '≥ 4x',
        pass: (m) => m >= 4,
      });
    }
  } finally {
    await hub.close();
  }
}

/** Resolves with the moment (performance.now()) a session on `hub` first holds a track. */
function firstTrack(hub: Hub): Promise<number> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if ((hub.sessions().at(-1)?.tracks.length ?? 0) === 0) return;
      clearInterval(timer);
      resolve(performance.now());
    }, 5);
  });
}

/** Empties the page cache (root only); false where that is not allowed. */
async function dropCaches(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('sync');
    await writeFile('/proc/sys/vm/drop_caches', '3\n');
    return true;
  } catch {
    return false;
  }
}

/** The reference client's cold scan of the same corpus: spawn → its manifest on the hub. */
async function coldReference(ctx: BenchContext, corpus: Corpus): Promise<number> {
  const hub = await startBenchHub();
  const dir = await ctx.tempDir('reference');
  const t0 = performance.now();
  const peer = spawnReference(hub, corpus.dir, dir);
  const watch = new ProcWatch(peer.child.pid!, 250);
  try {
    await watch.start();
    const p = await waitPublished(hub, {
      min: corpus.summary.tracks,
      settleMs: ctx.config.quick ? 1000 : 2000,
      timeoutMs: 900_000,
      daemon: peer,
    });
    const seconds = (p.at - t0) / 1000;
    ctx.add({
      key: 'cold.reference',
      measures: `the reference client (BENCH_REFERENCE), same corpus: spawn → hub holds its manifest (${p.count} tracks: it also lists hidden, junk and corrupt files)`,
      unit: 's',
      values: [seconds],
    });
    ctx.add({
      key: 'cold.referenceCpu',
      measures: "the reference client's CPU time (user+sys) from spawn to published",
      unit: 's',
      values: [(watch.sampleAt(p.at)?.cpuMs ?? NaN) / 1000],
    });
    return seconds;
  } finally {
    await watch.stop().catch(() => undefined);
    await peer.stop();
    await hub.close();
  }
}

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
