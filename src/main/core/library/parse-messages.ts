import type { FileStamp, ReadResult } from './read-track';

/** One file for a parse worker: read it, fingerprint it, parse its tags. */
export interface ParseRequest {
  seq: number;
  path: string;
  stamp: FileStamp;
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
