import type { FileStamp, ReadResult } from './read-track';

/**
 * What a reader needs besides the path: the caller's fresh stamp (absent: the reader stats the
 * file itself), the per-file limit, the scan's signal.
 */
export interface ReadOptions {
  stamp?: FileStamp;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Reads one file (id and tags); never rejects, like `readTrack`. */
export type TrackReader = (filePath: string, opts: ReadOptions) => Promise<ReadResult>;

/** One file for a parse worker: read it, fingerprint it, parse its tags. */
export interface ParseRequest {
  seq: number;
  path: string;
  stamp?: FileStamp;
  timeoutMs: number;
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
