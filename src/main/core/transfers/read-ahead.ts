/**
 * The reading side of one transfer: keeps at most READ_AHEAD_CHUNKS encoded frames waiting in its
 * lane, one read at a time, so memory stays bounded by listeners × 2 chunks whatever the link does.
 */
import { encodeChunkEnd, encodeChunkError, encodeChunkFrame } from './chunk-frame';
import { describeFsError, readFully } from './file-source';
import type { SendScheduler } from './send-scheduler';
import type { TransferRecord } from './transfer-record';

/** Chunks read but not yet handed to the socket, per transfer. */
export const READ_AHEAD_CHUNKS = 2;

/** What the reader needs from its manager. */
export interface ReadAheadHost {
  sched: SendScheduler;
  chunkSize: number;
  /** Bytes being read right now changed by `delta` (memory accounting). */
  onReading(delta: number): void;
  /** A frame was queued (memory accounting). */
  onQueued(): void;
  /** The file is not what was published any more. */
  onStale(trackId: string): void;
}

/**
 * Top up `rec`'s lane: start the next read if there is room, or queue chunk_end once every byte
 * up to the published size has been read. Safe to call at any time; re-entrant calls are no-ops.
 */
export function fillReadAhead(rec: TransferRecord, host: ReadAheadHost): void {
  const handle = rec.handle;
  const id = rec.req.requestId;
  const size = rec.target!.size;
  if (rec.finished || rec.reading || rec.tailQueued || !handle) return;
  if (rec.pos >= size) {
    rec.tailQueued = true;
    host.sched.enqueue(id, { frame: encodeChunkEnd(id), dataBytes: 0, kind: 'end' });
    return;
  }
  if (host.sched.laneLength(id) >= READ_AHEAD_CHUNKS) return;
  // Never past the published size: a file that grew since is served as published.
  const len = Math.min(host.chunkSize, size - rec.pos);
  const buf = Buffer.allocUnsafe(len);
  rec.reading = true;
  host.onReading(len);
  readFully(handle, buf, rec.pos).then(
    (n) => {
      rec.reading = false;
      host.onReading(-len);
      if (rec.finished) return;
      // Fewer bytes than published: the listener expects them all, so this can only truncate.
      if (n < len) return queueFailure(rec, host.sched, 'File shrank while being sent');
      const frame = encodeChunkFrame(id, rec.seq++, buf);
      // Advance before enqueueing: enqueue may send at once and re-enter here via the manager.
      rec.pos += len;
      host.sched.enqueue(id, { frame, dataBytes: len, kind: 'chunk' });
      host.onQueued();
      fillReadAhead(rec, host);
    },
    (err: unknown) => {
      rec.reading = false;
      host.onReading(-len);
      if (rec.finished) return;
      const { message, stale } = describeFsError(err);
      queueFailure(rec, host.sched, message);
      if (stale) host.onStale(rec.req.trackId);
    },
  );
}

/** Queue chunk_error behind the frames already read; no more reads for `rec`. */
export function queueFailure(rec: TransferRecord, sched: SendScheduler, message: string): void {
  rec.tailQueued = true;
  rec.pendingError = message;
  const id = rec.req.requestId;
  sched.enqueue(id, { frame: encodeChunkError(id, message), dataBytes: 0, kind: 'error' });
}
