import type { Worker } from 'node:worker_threads';
import type { ParseReply, ParseRequest, WorkerTestHooks } from './parse-types';
import type { FileStamp, ReadResult } from './read-track';
import type { ReadGate } from './shared-gate';
import { startWorker } from './worker-entry';

/** One file handed to a ParseThread; `settle` resolves the caller once (later calls are ignored). */
export interface ThreadJob {
  gate?: ReadGate;
  seq: number;
  path: string;
  stamp?: FileStamp;
  timeoutMs: number;
  signal?: AbortSignal;
  settled: boolean;
  settle: (r: ReadResult) => void;
  timer?: NodeJS.Timeout;
}

/** What a thread reports to its pool; nothing is reported after `stop()`. */
export interface ThreadEvents {
  ready: () => void;
  reply: (job: ThreadJob, result: ReadResult) => void;
  /** No answer for `job` by its limit plus grace: the thread is stuck in synchronous code. */
  stuck: (job: ThreadJob) => void;
  /** The thread failed or ended on its own (before `ready`, it never worked). */
  lost: (err: Error) => void;
}

/**
 * One parse worker thread and the files in flight on it, each with a deadline. Inside the thread
 * readTrack enforces a file's limit itself, so a missing answer past limit + grace means its own
 * timers cannot run. The constructor throws if the thread cannot be created.
 */
export class ParseThread {
  ready = false;
  /** Running one suspect alone: takes nothing else until it answers. */
  solo = false;
  readonly jobs = new Map<number, ThreadJob>();
  private readonly worker: Worker;
  private stopped = false;

  constructor(
    file: URL,
    hooks: WorkerTestHooks,
    private readonly graceMs: number,
    private readonly on: ThreadEvents,
    /** Its number among the pool's live threads (its cell in a gate's shared memory). */
    readonly index = 0,
    /** The shared memory of a gate by key (see `shared-gate.ts`). */
    private readonly gateMemory: (key: string) => SharedArrayBuffer = () => {
      throw new Error('no gates');
    },
  ) {
    this.worker = startWorker(file, hooks);
    this.worker.on('message', (m: ParseReply) => this.onMessage(m));
    this.worker.on('error', (err) => this.onLost(err));
    this.worker.on('exit', (code) => this.onLost(new Error(`exit code ${code}`)));
  }

  /** Post one file to the thread and start its deadline. */
  send(job: ThreadJob): void {
    this.jobs.set(job.seq, job);
    job.timer = setTimeout(() => {
      if (!this.stopped) this.on.stuck(job);
    }, job.timeoutMs + this.graceMs);
    const req: ParseRequest = {
      seq: job.seq,
      path: job.path,
      stamp: job.stamp,
      timeoutMs: job.timeoutMs,
      thread: this.index,
    };
    if (job.gate) req.gate = { ...job.gate, memory: this.gateMemory(job.gate.key) };
    this.worker.postMessage(req);
  }

  /** Terminate the thread; returns the files it still had in flight (their deadlines cleared). */
  stop(): ThreadJob[] {
    this.stopped = true;
    void this.worker.terminate().catch(() => undefined);
    const jobs = [...this.jobs.values()];
    for (const j of jobs) clearTimeout(j.timer);
    this.jobs.clear();
    return jobs;
  }

  /** Whether the thread keeps the process alive (only while the pool has work). */
  keepAlive(on: boolean): void {
    if (on) this.worker.ref();
    else this.worker.unref();
  }

  private onMessage(m: ParseReply): void {
    if (this.stopped) return;
    if ('ready' in m) {
      this.ready = true;
      this.on.ready();
      return;
    }
    const job = this.jobs.get(m.seq);
    if (!job) return;
    this.jobs.delete(m.seq);
    clearTimeout(job.timer);
    if (this.jobs.size === 0) this.solo = false;
    this.on.reply(job, m.result);
  }

  private onLost(err: Error): void {
    if (this.stopped) return;
    this.on.lost(err);
  }
}
