/**
 * One resumable track download (docs/LAN.md, "Downloads"): `.part` + sidecar, `Range: bytes=N-`
 * with `If-Range`, a 206 accepted only when it starts where asked and is the same version, a 200
 * taken as a new version (start over), size and content id verified before the final name.
 * Transient failures (a dropped or stalled connection, a restarting server) are retried with
 * backoff; progress resets the count, so a long download survives any number of short outages.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { idFromHandle } from '../../library/fingerprint';
import { DEFAULT_COMMIT, PartWriter, type CommitPolicy } from './part-writer';
import { findExisting, placeFile } from './place';
import { admit, type RunState } from './admit';
import { partPaths, readSidecar, removePart, removeStaleTemps, type Sidecar } from './sidecar';
import { abortable, attemptSignal } from './signals';
import {
  DownloadError,
  describeError,
  isNetworkError,
  retryDelayMs,
  type LanFetch,
} from './transport';

/** One track to fetch: from `url` (…/track/{trackId}) to the sanitised path `dest`. */
export interface TrackJob {
  url: string;
  trackId: string;
  dest: string;
}

/** Knobs and hooks of `fetchTrack`. */
export interface FetchTrackOptions {
  fetch: LanFetch;
  /** Pause or cancel: the part and sidecar stay (cancel removes them itself). */
  signal: AbortSignal;
  /** `received`: bytes of the file on hand; `confirmed`: of those, durable. */
  onProgress?: (p: { received: number; confirmed: number; size: number }) => void;
  onRetry?: (err: Error, attempt: number, delayMs: number) => void;
  /** No byte for this long (default 30 s): the connection is dropped and retried (sleep, Wi-Fi). */
  stallMs?: number;
  /** Failures in a row, without progress, before giving up (default 6). */
  maxAttempts?: number;
  commit?: CommitPolicy;
  /** Backoff delay before retry `n` (tests shorten it). */
  retryDelay?: (attempt: number) => number;
}

/** How a download ended. */
export interface FetchTrackResult {
  /** The final path (`dest`, or `dest (2)`… when another file had the name). */
  file: string;
  size: number;
  /** Body bytes received over all attempts (more than `size` when a part was refetched). */
  fetched: number;
  /** The track was already there: nothing was fetched. */
  existing: boolean;
}

/** Downloads `job`, resuming from its sidecar; rejects with DownloadError or the abort reason. */
export async function fetchTrack(job: TrackJob, o: FetchTrackOptions): Promise<FetchTrackResult> {
  await removeStaleTemps(job.dest);
  const existing = await findExisting(job.dest, job.trackId);
  if (existing) {
    await removePart(job.dest);
    return { file: existing, size: (await stat(existing)).size, fetched: 0, existing: true };
  }
  const state: RunState = { fetched: 0, fromZero: false };
  for (let failures = 0; ;) {
    o.signal.throwIfAborted();
    const before = state.fetched;
    try {
      return await attempt(job, o, state);
    } catch (err) {
      if (o.signal.aborted) throw o.signal.reason;
      if (!(err instanceof DownloadError) && !isNetworkError(err)) throw err;
      if (err instanceof DownloadError && !err.retryable) throw err;
      failures = state.fetched > before ? 1 : failures + 1;
      if (failures >= (o.maxAttempts ?? 6))
        throw new DownloadError(`Gave up after ${failures} attempts: ${describeError(err)}`, false);
      const delay = (o.retryDelay ?? retryDelayMs)(failures);
      o.onRetry?.(err as Error, failures, delay);
      await abortable(delay, o.signal);
    }
  }
}

/**
 * One connection's worth: resumes or restarts the part, follows capped 206 bodies with the next
 * range, and finishes the file when its last byte is confirmed.
 */
async function attempt(job: TrackJob, o: FetchTrackOptions, state: RunState) {
  const { part, sidecar: sidecarFile } = partPaths(job.dest);
  let sc = await readSidecar(sidecarFile, job);
  const fh = await openPart(part);
  try {
    const onDisk = (await fh.stat()).size;
    if (sc && (state.fromZero || sc.etag === '')) sc = undefined;
    if (sc) sc.confirmed = Math.min(sc.confirmed, onDisk);
    // Everything is already on disk (a crash before the rename): finish without the network.
    while (!sc || sc.confirmed < sc.size) {
      const offset = sc?.confirmed ?? 0;
      const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
      if (sc && offset > 0) {
        headers.Range = `bytes=${offset}-`;
        headers['If-Range'] = sc.etag;
      }
      const signal = attemptSignal(o.signal, o.stallMs ?? 30_000);
      try {
        const res = await o.fetch(job.url, { headers, signal: signal.signal });
        const admitted = await admit(res, job, sc, offset, sidecarFile, fh, state);
        const cur = (sc = admitted.sidecar);
        const writer = new PartWriter(fh, sidecarFile, cur, o.commit ?? DEFAULT_COMMIT, (r, c) =>
          o.onProgress?.({ received: r, confirmed: c, size: cur.size }),
        );
        if (res.body) {
          for await (const chunk of res.body) {
            signal.alive();
            state.fetched += chunk.byteLength;
            await writer.push(chunk);
          }
        }
        await writer.commit();
        if (writer.received !== admitted.end + 1)
          throw new DownloadError(
            `Connection ended at byte ${writer.received} of ${cur.size}`,
            true,
          );
      } catch (err) {
        throw signal.stalled ?? err;
      } finally {
        signal.dispose();
      }
    }
    return await finish(job, fh, sc, state);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Size and content id checked over the finished part, then the part takes its final name. */
async function finish(
  job: TrackJob,
  fh: FileHandle,
  sc: Sidecar,
  state: RunState,
): Promise<FetchTrackResult> {
  await fh.truncate(sc.size);
  await fh.sync();
  const id = await idFromHandle(fh, sc.size);
  await fh.close();
  if (id !== job.trackId) {
    // Not the bytes the id names: never keep them, and fetch the whole file once more.
    await removePart(job.dest);
    state.fromZero = true;
    throw new DownloadError(`The finished file does not match track ${job.trackId}`, true);
  }
  const file = await placeFile(partPaths(job.dest).part, job.dest, job.trackId);
  // The sidecar goes last: until then a restart finds `confirmed === size` and finishes locally.
  await removePart(job.dest);
  return { file, size: sc.size, fetched: state.fetched, existing: false };
}

/** Opens the part for positional writes, creating it when missing (never truncating it). */
async function openPart(part: string): Promise<FileHandle> {
  try {
    return await open(part, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return open(part, 'w+');
  }
}
