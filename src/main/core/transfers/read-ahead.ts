/**
 * The reading side of every transfer: keeps at most READ_AHEAD_CHUNKS encoded frames waiting in
 * each transfer's lane, one read at a time, so memory stays bounded by listeners × 2 chunks
 * whatever the link does. Also keeps the books on that memory (for diagnostics and tests).
 */
import { encodeChunkEnd, encodeChunkError, encodeChunkFrame } from './chunk-frame';
import { describeFsError, readFully } from './file-source';
import type { SendScheduler } from './send-scheduler';
import type { TransferRecord } from './transfer-record';

/** Chunks read but not yet handed to the socket, per transfer. */
export const READ_AHEAD_CHUNKS = 2;

/** Reads chunks ahead of the scheduler for every active transfer. */
export class ReadAhead {
  /** Bytes of reads in progress. */
  private reading = 0;
  /** Highest read-but-unsent byte count seen. */
  peak = 0;

  constructor(
    private readonly sched: SendScheduler,
    private readonly chunkSize: number,
    /** The file is not what was published any more. */
    private readonly onStale: (trackId: string) => void,
  ) {}

  /** Raw bytes read from files (or being read) and not yet handed to the socket. */
  get bytes(): number {
    return this.reading + this.sched.queuedDataBytes();
  }

  /**
   * Top up `rec`'s lane: start the next read if there is room, or queue chunk_end once every byte
   * up to the published size has been read. Safe to call at any time; re-entrant calls are no-ops.
   */
  fill(rec: TransferRecord): void {
    const handle = rec.handle;
    const id = rec.req.requestId;
    const size = rec.target!.size;
    if (rec.finished || rec.reading || rec.tailQueued || !handle) return;
    if (rec.pos >= size) {
      rec.tailQueued = true;
      this.sched.enqueue(id, { frame: encodeChunkEnd(id), dataBytes: 0, kind: 'end' });
      return;
    }
    if (this.sched.laneLength(id) >= READ_AHEAD_CHUNKS) return;
    // Never past the published size: a file that grew since is served as published.
    const len = Math.min(this.chunkSize, size - rec.pos);
    const buf = Buffer.allocUnsafe(len);
    rec.reading = true;
    this.reading += len;
    this.notePeak();
    readFully(handle, buf, rec.pos).then(
      (n) => {
        rec.reading = false;
        this.reading -= len;
        if (rec.finished) return;
        // Fewer bytes than published: the listener expects them all, so this can only truncate.
        if (n < len) return this.fail(rec, 'File shrank while being sent');
        const frame = encodeChunkFrame(id, rec.seq++, buf);
        // Advance before enqueueing: enqueue may send at once and re-enter fill() via onSent.
        rec.pos += len;
        this.sched.enqueue(id, { frame, dataBytes: len, kind: 'chunk' });
        this.notePeak();
        this.fill(rec);
      },
      (err: unknown) => {
        rec.reading = false;
        this.reading -= len;
        if (rec.finished) return;
        const { message, stale } = describeFsError(err);
        this.fail(rec, message);
        if (stale) this.onStale(rec.req.trackId);
      },
    );
  }

  /** Queue chunk_error behind the frames already read; no more reads for `rec`. */
  private fail(rec: TransferRecord, message: string): void {
    rec.tailQueued = true;
    rec.pendingError = message;
    const id = rec.req.requestId;
    this.sched.enqueue(id, { frame: encodeChunkError(id, message), dataBytes: 0, kind: 'error' });
  }

  private notePeak(): void {
    this.peak = Math.max(this.peak, this.bytes);
  }
}
