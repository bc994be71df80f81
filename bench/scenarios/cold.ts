/**
 * Cold first scans (`cold`): ours and the reference client's (BENCH_REFERENCE), alternated run by
 * run in one invocation, from a warm page cache and (as root) from a dropped one, then the 2k
 * corpus through a simulated spinning disk (`slow-disk.ts`). Ratios pair runs measured back to
 * back; each figure's median is over every run of the invocation.
 */
import type { Hub } from '../../test/hub/emulator';
import { startBenchHub, waitPublished } from '../lib/hub';
import { mib } from '../lib/context';
import type { BenchContext, Corpus } from '../lib/context';
import { median } from '../lib/report';
import { dropCaches, warmPageCache } from '../lib/page-cache';
import { REFERENCE, spawnReference } from '../lib/reference';
import { ProcWatch } from '../lib/proc';
import { slowDiskScan } from './slow-disk';

/** What one cold scan measured: seconds from spawn, CPU seconds, peak RSS in bytes. */
export interface ScanRun {
  publish: number;
  cpu: number;
  firstTrack?: number;
  peakRss?: number;
  stateDir?: string;
}

type Cache = 'warm' | 'cold';

/**
 * Cold first scan of the main corpus. Each of `runs` rounds scans with a warm page cache (the
 * corpus read into memory first) and, as root, with the cache dropped; within a round, ours and
 * the reference's alternate which goes first (ABBA), so a drift of the machine's speed falls on
 * both sides.
 */
export async function coldScan(ctx: BenchContext): Promise<void> {
  const corpus = await ctx.corpus(ctx.config.tracks);
  const hub = await startBenchHub();
  const caches: Cache[] = (await dropCaches()) ? ['warm', 'cold'] : ['warm'];
  if (caches.length === 1) console.log('  (not root: no cold-page-cache runs)');
  const runs: Record<Cache, { ours: ScanRun[]; theirs: ScanRun[] }> = {
    warm: { ours: [], theirs: [] },
    cold: { ours: [], theirs: [] },
  };
  try {
    for (let round = 0; round < ctx.config.runs; round++) {
      for (const cache of caches) {
        const order = round % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours'];
        for (const who of order) {
          if (who === 'theirs' && !REFERENCE) continue;
          if (cache === 'warm') await warmPageCache(corpus.dir);
          else await dropCaches();
          if (who === 'ours') {
            const r = await scanOurs(ctx, hub, corpus);
            addOurs(ctx, corpus, cache, r);
            runs[cache].ours.push(r);
            if (cache === 'warm') ctx.warmStateDir ??= r.stateDir;
          } else {
            const r = await scanReference(ctx, corpus.dir, corpus.summary.tracks);
            addTheirs(ctx, cache, r);
            runs[cache].theirs.push(r);
          }
        }
      }
    }
  } finally {
    await hub.close();
  }
  for (const cache of caches) addRatios(ctx, cache, runs[cache].ours, runs[cache].theirs);
  // `--only cold` prints the slow-disk figures too; a full run has them here and not again.
  if (!ctx.ranSlowDisk) await slowDiskScan(ctx);
}

/** Our daemon's cold scan of `corpus` (a fresh state dir): spawn → `hub` holds the manifest. */
export async function scanOurs(ctx: BenchContext, hub: Hub, corpus: Corpus): Promise<ScanRun> {
  const stateDir = await ctx.tempDir('state');
  const d = ctx.spawn({ serverUrl: hub.url, shares: [corpus.dir], stateDir });
  const watch = new ProcWatch(d.pid, 100);
  await watch.start();
  const first = firstTrack(hub);
  const p = await ctx.published(hub, d, corpus);
  const at = watch.sampleAt(p.at);
  await watch.stop();
  await ctx.stopDaemon(hub, d);
  return {
    publish: (p.at - d.spawnedAt) / 1000,
    firstTrack: ((await first) - d.spawnedAt) / 1000,
    cpu: (at?.cpuMs ?? NaN) / 1000,
    peakRss: at?.peakRssBytes ?? NaN,
    stateDir,
  };
}

/** The reference client's cold scan of `dir` on a hub of its own: spawn → its manifest. */
export async function scanReference(
  ctx: BenchContext,
  dir: string,
  tracks: number,
): Promise<ScanRun> {
  const hub = await startBenchHub();
  const cwd = await ctx.tempDir('reference');
  const t0 = performance.now();
  const peer = spawnReference(hub, dir, cwd);
  const watch = new ProcWatch(peer.child.pid!, 250);
  try {
    await watch.start();
    const p = await waitPublished(hub, {
      min: tracks,
      settleMs: ctx.config.quick ? 1000 : 2000,
      timeoutMs: 900_000,
      daemon: peer,
    });
    return { publish: (p.at - t0) / 1000, cpu: (watch.sampleAt(p.at)?.cpuMs ?? NaN) / 1000 };
  } finally {
    await watch.stop().catch(() => undefined);
    await peer.stop();
    await hub.close();
  }
}

function addOurs(ctx: BenchContext, corpus: Corpus, cache: Cache, r: ScanRun): void {
  const n = corpus.summary.tracks;
  if (cache === 'cold') {
    ctx.add({
      key: 'cold.publishColdCache',
      measures: `the same with the page cache dropped first (sync; echo 3 > drop_caches): disk reads included`,
      unit: 's',
      values: [r.publish],
    });
    ctx.add({
      key: 'cold.firstTrackColdCache',
      measures: 'spawn → the first partial manifest, page cache dropped first',
      unit: 's',
      values: [r.firstTrack ?? NaN],
    });
    return;
  }
  ctx.add({
    key: 'cold.firstTrack',
    measures: 'spawn → the hub holds the first partial manifest (the first tracks are listenable)',
    unit: 's',
    values: [r.firstTrack ?? NaN],
    target: '< 1 s (20k)',
    pass: (m) => m < 1,
  });
  ctx.add({
    key: 'cold.publish',
    measures: `cold first scan of ${n} tracks, page cache warm: spawn → hub holds the manifest`,
    unit: 's',
    values: [r.publish],
    target: '< 11 s (20k)',
    pass: (m) => m < 11,
    reference: '43 s (20k)',
  });
  ctx.add({
    key: 'cold.cpu',
    measures: 'daemon CPU time (user+sys) from spawn to published',
    unit: 's',
    values: [r.cpu],
  });
  ctx.add({
    key: 'cold.cpuPerFile',
    measures: 'the same per track (all threads)',
    unit: 'ms',
    values: [(r.cpu * 1000) / n],
  });
  ctx.add({
    key: 'cold.peakRss',
    measures: 'daemon peak RSS (VmHWM) by publish',
    unit: 'MiB',
    values: [mib(r.peakRss ?? NaN)],
  });
}

function addTheirs(ctx: BenchContext, cache: Cache, r: ScanRun): void {
  const suffix = cache === 'cold' ? 'ColdCache' : '';
  const how = cache === 'cold' ? 'page cache dropped first' : 'page cache warm';
  ctx.add({
    key: `cold.reference${suffix}`,
    measures: `the reference client (BENCH_REFERENCE), same corpus, ${how}: spawn → hub holds its manifest (it also lists hidden, junk and corrupt files)`,
    unit: 's',
    values: [r.publish],
  });
  if (cache === 'warm') {
    ctx.add({
      key: 'cold.referenceCpu',
      measures: "the reference client's CPU time (user+sys) from spawn to published",
      unit: 's',
      values: [r.cpu],
    });
  }
}

/** The reference's time over ours per pair of runs measured back to back, and over the medians. */
function addRatios(ctx: BenchContext, cache: Cache, ours: ScanRun[], theirs: ScanRun[]): void {
  const n = Math.min(ours.length, theirs.length);
  if (n === 0) return;
  const suffix = cache === 'cold' ? 'ColdCache' : '';
  const ofMedians = median(theirs.map((r) => r.publish)) / median(ours.map((r) => r.publish));
  ctx.add({
    key: `cold.ratio${suffix}`,
    measures: `the reference client's cold scan time / ours, page cache ${cache === 'cold' ? 'dropped' : 'warm'}, per pair of runs back to back (ABBA)`,
    unit: 'x',
    values: ours.slice(0, n).map((o, i) => theirs[i]!.publish / o.publish),
    target: cache === 'warm' ? '≥ 8x (issue 16)' : undefined,
    pass: cache === 'warm' ? (m) => m >= 8 : undefined,
    note: `median of theirs / median of ours: ${ofMedians.toFixed(2)}x over ${theirs.length} and ${ours.length} runs`,
  });
  if (cache === 'warm') {
    ctx.add({
      key: 'cold.ratioCpu',
      measures: "the reference client's CPU time / ours, per pair",
      unit: 'x',
      values: ours.slice(0, n).map((o, i) => theirs[i]!.cpu / o.cpu),
    });
  }
}

/**
 * Resolves with the moment (performance.now()) a session on `hub` first holds a track; NaN if
 * none does within 15 minutes (the run then fails on its own wait, and this timer must not keep
 * the bench alive).
 */
function firstTrack(hub: Hub): Promise<number> {
  const deadline = performance.now() + 900_000;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() > deadline) {
        clearInterval(timer);
        resolve(NaN);
      }
      if ((hub.sessions().at(-1)?.tracks.length ?? 0) === 0) return;
      clearInterval(timer);
      resolve(performance.now());
    }, 5);
  });
}
