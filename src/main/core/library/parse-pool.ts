import { EventEmitter } from 'node:events';
import os from 'node:os';
import { AbortGroups } from './abort-groups';
import { gateMemory, GATE_THREADS, releaseThread } from './shared-gate';
import type { TrackReader, WorkerTestHooks } from './parse-types';
import { ParseThread } from './parse-thread';
import type { ThreadJob as Job } from './parse-thread';
import { readTrack } from './read-track';
import type { FileStamp, ReadResult } from './read-track';
import { parseWorkerFile } from './worker-entry';
import { formatDuration } from '../fs/with-timeout';

/** Tuning of a ParsePool; the defaults suit a scan. */
export interface ParsePoolOptions {
  /** Worker threads at most (default `defaultThreads()`). */
  threads?: number;
  /** Files in flight per thread, to overlap its reads with its parsing (default 8). */
  perThread?: number;
  /** Threads stop after this long without work (default 5 s). */
  idleMs?: number;
  /** How long past a file's limit a silent thread is given before it is terminated (default 1 s). */
  graceMs?: number;
  /** The worker file (default: beside this module, see `parseWorkerFile`). */
  entry?: URL;
  /** Test-only behaviour of the workers. */
  testHooks?: WorkerTestHooks;
}

/** Worker threads for a scan: one per core, at least 1, at most 4. */
export function defaultThreads(): number {
  const n =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.min(4, Math.max(1, n));
}

/**
 * Parses tags on worker threads so a cold scan uses every core while the main thread walks, stats
 * and caches. Threads start only when a file must be read and stop when idle, so a warm start or an
 * idle daemon holds none. A thread that does not answer within a file's limit is terminated (a real
 * limit, even for a parser stuck in a synchronous loop): files that shared it are re-run one at a
 * time, so only the guilty file is reported, as "timed out reading tags after N s". If no thread
 * can start, files are read in-process, with one 'warning'. `read` never rejects.
 */
export class ParsePool extends EventEmitter<{ warning: [message: string] }> {
  private readonly max: number;
  private readonly perThread: number;
  private readonly idleMs: number;
  private readonly graceMs: number;
  private readonly file: URL;
  private readonly hooks: WorkerTestHooks;
  private readonly slots = new Set<ParseThread>();
  private readonly queue: Job[] = [];
  /** Files that were on a thread that hung or crashed: each is re-run alone to find the culprit. */
  private readonly suspects: Job[] = [];
  private seq = 0;
  private started = 0;
  private fallback = false;
  private busy = false;
  private idleTimer?: NodeJS.Timeout;
  private readonly aborts = new AbortGroups<Job>((jobs) => this.cancel(jobs));
  /** Shared memory of each read gate in use, by key (see `shared-gate.ts`). */
  private readonly gates = new Map<string, SharedArrayBuffer>();

  constructor(opts: ParsePoolOptions = {}) {
    super();
    this.max = Math.max(1, opts.threads ?? defaultThreads());
    this.perThread = Math.max(1, opts.perThread ?? 8);
    this.idleMs = opts.idleMs ?? 5000;
    this.graceMs = opts.graceMs ?? 1000;
    this.file = opts.entry ?? parseWorkerFile(import.meta.url);
    this.hooks = opts.testHooks ?? {};
  }

  /** Live threads now. */
  get threads(): number {
    return this.slots.size;
  }

  /** Threads started since the pool was made (respawns included). */
  get spawned(): number {
    return this.started;
  }

  /** True once threads could not start and files are read on the calling thread. */
  get inProcess(): boolean {
    return this.fallback;
  }

  /** Read one file on a thread (see `readTrack`); an aborted `signal` settles it as cancelled at once. */
  read: TrackReader = (filePath, opts) => {
    if (opts.signal?.aborted) return Promise.resolve(cancelled(opts.stamp));
    if (this.fallback) return readTrack(filePath, opts);
    return new Promise<ReadResult>((resolve) => {
      const job: Job = {
        seq: ++this.seq,
        path: filePath,
        stamp: opts.stamp,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        gate: opts.gate,
        settled: false,
        settle: (r) => {
          if (job.settled) return;
          job.settled = true;
          if (job.signal) this.aborts.delete(job.signal, job);
          resolve(r);
        },
      };
      if (job.signal) this.aborts.add(job.signal, job);
      this.setBusy(true);
      this.queue.push(job);
      this.pump();
    });
  };

  /**
   * Start one thread now if none runs, so that a cold scan about to begin finds it loaded (a
   * thread takes 100-200 ms to load the tag parser). It stops after `idleMs` if no file comes.
   */
  prewarm(): void {
    if (this.fallback || this.slots.size > 0) return;
    this.spawn();
    this.checkIdle();
  }

  /** Stop every thread now; files not yet answered are read in-process. The pool stays usable. */
  close(): void {
    clearTimeout(this.idleTimer);
    const pending = [...this.suspects.splice(0), ...this.queue.splice(0)];
    for (const t of [...this.slots]) pending.push(...this.drop(t));
    for (const job of pending) this.runHere(job);
    this.busy = false;
  }

  private cancel(jobs: Job[]): void {
    for (const job of jobs) {
      for (const list of [this.queue, this.suspects]) {
        const i = list.indexOf(job);
        if (i >= 0) list.splice(i, 1);
      }
      job.settle(cancelled(job.stamp));
    }
    this.checkIdle();
  }

  private pump(): void {
    if (this.fallback) {
      for (const job of [...this.suspects.splice(0), ...this.queue.splice(0)]) this.runHere(job);
      return;
    }
    const ready = [...this.slots].filter((s) => s.ready);
    // Suspects run alone, on a thread with nothing else in flight, so a hang is pinned on one file.
    // While any waits, other files are held back so that threads drain and one frees up.
    for (const slot of ready) {
      if (this.suspects.length === 0) break;
      if (slot.jobs.size > 0) continue;
      slot.solo = true;
      slot.send(this.suspects.shift() as Job);
    }
    while (this.suspects.length === 0 && this.queue.length > 0) {
      let best: ParseThread | undefined;
      for (const s of ready)
        if (!s.solo && s.jobs.size < this.perThread && (!best || s.jobs.size < best.jobs.size))
          best = s;
      if (!best) break;
      best.send(this.queue.shift() as Job);
    }
    // Grow only while more files wait than the threads already starting will take.
    const starting = this.slots.size - ready.length;
    const waiting = this.queue.length + this.suspects.length;
    if (waiting > starting * this.perThread && this.slots.size < this.max) this.spawn();
  }

  private spawn(): void {
    let t: ParseThread;
    try {
      t = new ParseThread(
        this.file,
        this.hooks,
        this.graceMs,
        {
          ready: () => this.pump(),
          reply: (job, result) => {
            job.settle(result);
            this.pump();
            this.checkIdle();
          },
          stuck: (job) => this.onStuck(t, job),
          lost: (err) => this.onLost(t, err),
        },
        this.freeIndex(),
        (key) => this.gateMemory(key),
      );
    } catch (err) {
      this.fallBack(err);
      return;
    }
    this.started++;
    this.slots.add(t);
    t.keepAlive(this.busy);
  }

  private onStuck(slot: ParseThread, job: Job): void {
    if (!this.slots.has(slot)) return;
    const alone = slot.solo || slot.jobs.size === 1;
    const jobs = this.drop(slot);
    if (alone)
      job.settle(failed(job, `timed out reading tags after ${formatDuration(job.timeoutMs)}`));
    else this.suspects.push(...jobs.filter((j) => !j.settled));
    this.pump();
    this.checkIdle();
  }

  /** A thread ended or failed on its own: before it was ready, threads do not work here at all. */
  private onLost(slot: ParseThread, err: Error): void {
    if (!this.slots.has(slot)) return;
    const alone = slot.solo || slot.jobs.size === 1;
    const jobs = this.drop(slot);
    if (!slot.ready) return this.fallBack(err);
    if (alone) for (const j of jobs) j.settle(failed(j, CRASH_REASON));
    else this.suspects.push(...jobs.filter((j) => !j.settled));
    this.pump();
    this.checkIdle();
  }

  /** The lowest thread number no live thread has (a gate's memory has a cell per number). */
  private freeIndex(): number {
    const used = new Set([...this.slots].map((s) => s.index));
    let i = 0;
    while (used.has(i)) i++;
    if (i >= GATE_THREADS) throw new Error(`more than ${GATE_THREADS} parse threads`);
    return i;
  }

  private gateMemory(key: string): SharedArrayBuffer {
    let m = this.gates.get(key);
    if (!m) this.gates.set(key, (m = gateMemory()));
    return m;
  }

  /** Remove and terminate a thread; returns the files it had in flight. */
  private drop(t: ParseThread): Job[] {
    this.slots.delete(t);
    const jobs = t.stop();
    // A thread ended while reading: what it held of a gate is free again.
    for (const memory of this.gates.values()) releaseThread(memory, t.index);
    return jobs;
  }

  private fallBack(err: unknown): void {
    if (this.fallback) return;
    this.fallback = true;
    const pending = [...this.suspects.splice(0), ...this.queue.splice(0)];
    for (const slot of [...this.slots]) pending.push(...this.drop(slot));
    const reason = err instanceof Error ? err.message : String(err);
    const message = `Tags are read on the main thread (slower): the parse worker could not start: ${reason}`;
    if (this.listenerCount('warning') > 0) this.emit('warning', message);
    else process.emitWarning(message);
    for (const job of pending) this.runHere(job);
  }

  private runHere(job: Job): void {
    if (job.settled) return;
    const { stamp, timeoutMs, signal } = job;
    void readTrack(job.path, { stamp, timeoutMs, signal }).then(job.settle);
  }

  /** Threads keep the process alive only while they have work, and stop after `idleMs` without. */
  private checkIdle(): void {
    if (this.queue.length > 0 || this.suspects.length > 0) return;
    for (const s of this.slots) if (s.jobs.size > 0) return;
    this.setBusy(false);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      for (const slot of [...this.slots]) this.drop(slot);
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private setBusy(busy: boolean): void {
    if (busy) clearTimeout(this.idleTimer);
    if (busy === this.busy) return;
    this.busy = busy;
    for (const t of this.slots) t.keepAlive(busy);
  }
}

const cancelled = (stamp: FileStamp | undefined): ReadResult => ({
  ok: false,
  reason: 'scan cancelled',
  stamp,
});
/** The reason for a file whose reading crashed a parse thread (the thread's exit code goes nowhere useful). */
export const CRASH_REASON = 'damaged: reading it crashed the tag reader';

const failed = (job: Job, reason: string): ReadResult => ({ ok: false, reason, stamp: job.stamp });

let shared: ParsePool | undefined;

/** The process-wide pool the library uses by default (created on first use, threads started lazily). */
export function sharedParsePool(): ParsePool {
  shared ??= new ParsePool();
  return shared;
}
