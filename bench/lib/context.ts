import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SUMMARY_FILE } from '../corpus/summary';
import type { CorpusSummary } from '../corpus/summary';
import { ROOT, spawnDaemon } from './daemon';
import type { Daemon, DaemonOptions } from './daemon';
import { waitPublished } from './hub';
import type { Published } from './hub';
import type { Hub } from '../../test/hub/emulator';
import { consoleLine } from './report';
import type { Figure } from './report';

/** A generated library ready to share. */
export interface Corpus {
  dir: string;
  summary: CorpusSummary;
}

/** Sizes and repetitions of one bench invocation. */
export interface BenchConfig {
  quick: boolean;
  /** Library size for most scenarios (20k, or 2k with --quick). */
  tracks: number;
  /** Size of the big file streamed in throughput scenarios. */
  largeMb: number;
  /** Repetitions for scenarios that repeat. */
  runs: number;
  /** Tracks for the scale scenario (100k; 10k with --quick). */
  scaleTracks: number;
  /** Keep the scale corpus on disk afterwards (it is deleted by default: ~12 GB at 100k). */
  keepCorpus: boolean;
}

/** Shared state of a bench run: config, scratch space under the OS temp dir, and collected figures. */
export class BenchContext {
  readonly figures: Figure[] = [];
  readonly work = path.join(os.tmpdir(), 'tunecamp-bench');
  private readonly temps: string[] = [];
  /** A state dir whose scan cache is already warm for the main corpus (set by the first cold scan). */
  warmStateDir: string | undefined;
  /** Set once the slow-disk figures were taken (`cold` takes them, `slowdisk` alone too). */
  ranSlowDisk = false;
  /** How many tracks the daemon actually published for the main corpus (learned on the first scan). */
  publishedCount: number | undefined;

  private readonly daemons = new Set<Daemon>();

  constructor(readonly config: BenchConfig) {}

  /** Spawns a daemon that cleanup() will stop if the scenario does not. */
  spawn(o: DaemonOptions): Daemon {
    const d = spawnDaemon(o);
    this.daemons.add(d);
    void d.exited.then(() => this.daemons.delete(d));
    return d;
  }

  /**
   * Waits for `d` to publish `corpus` (plus `extra` tracks) to `hub`. Until the daemon's real count
   * for the main corpus is known, every planned track must appear (corrupt files may add a few: the
   * daemon publishes partial lists while it scans, so a lower bar would stop early); the count then
   * seen is remembered and required by later waits.
   */
  async published(
    hub: Hub,
    d: Daemon,
    corpus: Corpus,
    o: { extra?: number; timeoutMs?: number; exclude?: string } = {},
  ): Promise<Published> {
    const main = corpus.summary.tracks === this.config.tracks + 1;
    const known = main ? this.publishedCount : undefined;
    // Every planned track is a valid file, so all must appear; corrupt ones may add a few more.
    const min = (known ?? corpus.summary.tracks) + (o.extra ?? 0);
    const settleMs = this.config.quick ? 1000 : 2000;
    const p = await waitPublished(hub, {
      min,
      settleMs,
      timeoutMs: o.timeoutMs ?? 600_000,
      daemon: d,
      exclude: o.exclude,
    });
    if (known === undefined) {
      const got = p.count - (o.extra ?? 0);
      if (got !== corpus.summary.tracks) {
        console.log(
          `  note: daemon published ${got} of ${corpus.summary.tracks} planned tracks (corrupt: ${corpus.summary.corrupt})`,
        );
      }
      if (main) this.publishedCount = got;
    }
    return p;
  }

  /** Stops the daemon and waits until the hub has dropped its session, so the next run starts clean. */
  async stopDaemon(hub: Hub, d: Daemon): Promise<void> {
    await d.stop();
    const deadline = performance.now() + 10_000;
    while (hub.sessions().length > 0 && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  }

  /** Records a figure (merging values into an existing one with the same key) and prints it. */
  add(f: Figure): void {
    const existing = this.figures.find((x) => x.key === f.key);
    if (existing) existing.values.push(...f.values);
    else this.figures.push({ ...f, values: [...f.values] });
    console.log(`  ${consoleLine(existing ?? this.figures.at(-1)!)}`);
  }

  /** A fresh empty folder under the bench work dir, removed by cleanup(). */
  async tempDir(prefix: string): Promise<string> {
    await mkdir(this.work, { recursive: true });
    const dir = await mkdtemp(path.join(this.work, `${prefix}-`));
    this.temps.push(dir);
    return dir;
  }

  /**
   * A corpus of `tracks` tracks plus one large file of `largeMb` MiB, generated with bench/corpus.ts
   * on first use and reused across runs while its summary matches.
   */
  async corpus(tracks: number, largeMb = this.config.largeMb): Promise<Corpus> {
    const dir = path.join(this.work, `corpus-${tracks}-large${largeMb}`);
    const existing = await readSummary(dir);
    if (existing && existing.tracks === tracks + 1) return { dir, summary: existing };
    console.log(`  generating corpus: ${tracks} tracks + 1 x ${largeMb} MiB in ${dir}`);
    const args = [
      '--import',
      'tsx',
      'bench/corpus.ts',
      '--tracks',
      String(tracks),
      '--out',
      dir,
      '--force',
    ];
    await promisify(execFile)(
      process.execPath,
      [...args, '--large', '1', '--large-mb', String(largeMb)],
      {
        cwd: ROOT,
        maxBuffer: 1 << 20,
      },
    );
    const summary = await readSummary(dir);
    if (!summary) throw new Error(`corpus generation wrote no ${SUMMARY_FILE} in ${dir}`);
    return { dir, summary };
  }

  /** Deletes a generated corpus (the 100k one is ~12 GB). */
  async dropCorpus(c: Corpus): Promise<void> {
    await rm(c.dir, { recursive: true, force: true });
  }

  /** Stops every daemon still running (after a scenario failed half-way, its daemon holds the state-dir lock). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.daemons].map((d) => d.stop()));
  }

  /** Stops any daemon still running, then removes every temp dir made by tempDir(). */
  async cleanup(): Promise<void> {
    await this.stopAll();
    await Promise.all(this.temps.map((d) => rm(d, { recursive: true, force: true })));
  }
}

async function readSummary(dir: string): Promise<CorpusSummary | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, SUMMARY_FILE), 'utf8')) as CorpusSummary;
  } catch {
    return undefined;
  }
}

/** MiB from bytes. */
export const mib = (bytes: number): number => bytes / 2 ** 20;
