/**
 * The 2k corpus through a simulated spinning disk (`bench/slow-disk.py`: 8 ms per seek, one
 * request at a time, 150 MB/s), ours and the reference client's alternated (ABBA). Part of `cold`.
 */
import path from 'node:path';
import { startBenchHub } from '../lib/hub';
import type { BenchContext, Corpus } from '../lib/context';
import { median } from '../lib/report';
import { warmPageCache } from '../lib/page-cache';
import { REFERENCE } from '../lib/reference';
import { mountSlowDisk, SLOW_DISK, slowDiskMissing } from '../lib/slow-disk';
import type { SlowDiskStats } from '../lib/slow-disk';
import { scanOurs, scanReference } from './cold';
import type { ScanRun } from './cold';

const TRACKS = 2000;
const model = `FUSE pass-through: ${SLOW_DISK.seekMs} ms per read not contiguous with the previous one, one request at a time, ${SLOW_DISK.mbPerS} MB/s`;

/** Cold scans of the 2k corpus mounted through the slow disk; skipped, with the reason, where it cannot run. */
export async function slowDiskScan(ctx: BenchContext): Promise<void> {
  if (ctx.ranSlowDisk) return;
  ctx.ranSlowDisk = true;
  const missing = slowDiskMissing();
  if (missing) {
    console.log(`  slow disk: not measured: ${missing}`);
    return;
  }
  const source = await ctx.corpus(TRACKS, 20);
  const hub = await startBenchHub();
  const ours: ScanRun[] = [];
  const theirs: ScanRun[] = [];
  try {
    for (let round = 0; round < ctx.config.runs; round++) {
      for (const who of round % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours']) {
        if (who === 'theirs' && !REFERENCE) continue;
        // The source in memory, the mount fresh: only the model's delays count.
        await warmPageCache(source.dir);
        const mnt = path.join(await ctx.tempDir('slowdisk'), 'mnt');
        const disk = await mountSlowDisk(source.dir, mnt);
        let r: ScanRun;
        let stats: SlowDiskStats;
        try {
          const corpus: Corpus = { dir: disk.dir, summary: source.summary };
          r =
            who === 'ours'
              ? await scanOurs(ctx, hub, corpus)
              : await scanReference(ctx, disk.dir, source.summary.tracks);
        } finally {
          stats = await disk.unmount();
        }
        add(ctx, who === 'ours' ? 'slowdisk.publish' : 'slowdisk.reference', r.publish, stats);
        (who === 'ours' ? ours : theirs).push(r);
      }
    }
  } finally {
    await hub.close();
  }
  const n = Math.min(ours.length, theirs.length);
  if (n === 0) return;
  const ofMedians = median(theirs.map((r) => r.publish)) / median(ours.map((r) => r.publish));
  ctx.add({
    key: 'slowdisk.ratio',
    measures: "the reference client's scan time through the slow disk / ours, per pair of runs",
    unit: 'x',
    values: ours.slice(0, n).map((o, i) => theirs[i]!.publish / o.publish),
    target: '≥ 2x',
    pass: (m) => m >= 2,
    note: `median of theirs / median of ours: ${ofMedians.toFixed(2)}x`,
  });
}

function add(ctx: BenchContext, key: string, seconds: number, s: SlowDiskStats): void {
  const who = key === 'slowdisk.publish' ? 'ours' : 'the reference client (BENCH_REFERENCE)';
  ctx.add({
    key,
    measures: `${who}: cold scan of ${TRACKS} tracks + 1 x 20 MiB through a slow disk (${model}): spawn → hub holds the manifest`,
    unit: 's',
    values: [seconds],
  });
  ctx.add({
    key: `${key}.seeks`,
    measures: `seeks the slow disk served in that run (of ${s.reads} reads, ${(s.bytes / 2 ** 20).toFixed(0)} MiB; ${s.readdirs} folder reads)`,
    unit: '',
    values: [s.seeks],
  });
}
