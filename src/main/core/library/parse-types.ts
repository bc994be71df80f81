import type { FileStamp, ReadResult } from './read-track';
import type { ReadGate } from './shared-gate';

/**
 * What a reader needs besides the path: the caller's fresh stamp (absent: the reader stats the
 * file itself), the per-file limit, the scan's signal.
 */
export interface ReadOptions {
  stamp?: FileStamp;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Limits the files read at once from the same medium (a spinning disk, a NAS). */
  gate?: ReadGate;
}

/** Reads one file (id and tags); never rejects, like `readTrack`. */
export type TrackReader = (filePath: string, opts: ReadOptions) => Promise<ReadResult>;

/** One file for a parse worker: read it, fingerprint it, parse its tags. */
export interface ParseRequest {
  seq: number;
  path: string;
  stamp?: FileStamp;
  timeoutMs: number;
  /** The file's medium limits reads in flight: the gate's shared memory and limit (`shared-gate.ts`). */
  gate?: { key: string; memory: SharedArrayBuffer; limit: number };
  /** This thread's number among the pool's live threads (its cell in a gate's memory). */
  thread: number;
}

/** A worker's answer: `ready` once after its imports loaded, then one `result` per request. */
export type ParseReply = { ready: true } | { seq: number; result: ReadResult };

/**
 * Test-only behaviour of a worker, passed as `workerData`: file base names on which it spins in a
 * synchronous loop (a parser bug no timer inside the worker can stop) or exits abruptly.
 */
export interface WorkerTestHooks {
  hangOn?: string;
  crashOn?: string;
}
