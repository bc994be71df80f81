/**
 * The reading side of every transfer: keeps at most READ_AHEAD_CHUNKS encoded frames waiting in
 * each transfer's lane, one read at a time. Files are read READ_BLOCK_CHUNKS chunks at a time and
 * cut into chunks from that block: each read goes through libuv's thread pool, whose round trip
 * costs more CPU than copying the bytes (on this 2-core VM, 2.4-3.0 ms of CPU per MB read in 64 KiB
 * pieces against 0.9-1.3 ms in 256 KiB ones). Memory stays bounded by listeners × (one block + two
 * chunks) whatever the link does; the books on that memory are kept here (diagnostics and tests).
 */
import { encodeChunkEnd, encodeChunkError, encodeChunkFrame } from './chunk-frame';
import { describeFsError, readFully } from './file-source';
import type { SendScheduler } from './send-scheduler';
import type { TransferRecord } from './transfer-record';

/** Chunks read but not yet handed to the socket, per transfer. */
export const READ_AHEAD_CHUNKS = 2;
/** Chunks per file read. */
export const READ_BLOCK_CHUNKS = 4;

/** Reads chunks ahead of the scheduler for every active transfer. */
export class ReadAhead {
  /** Bytes of reads in progress. */
  private reading = 0;
  /** Bytes read into blocks and not yet cut into chunks. */
  private held = 0;
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
    return this.reading + this.held + this.sched.queuedDataBytes();
  }

  /** The most `bytes` can reach per transfer. */
  get boundPerTransfer(): number {
    return (READ_BLOCK_CHUNKS + READ_AHEAD_CHUNKS) * this.chunkSize;
  }

  /**
   * Top up `rec`'s lane: cut chunks from its block while there is room, start the next read when
   * the block is used up, or queue chunk_end once every byte up to the published size has been
   * read. Safe to call at any time; re-entrant calls are no-ops.
   */
  fill(rec: TransferRecord): void {
    const id = rec.req.requestId;
    const size = rec.target!.size;
    while (!rec.finished && !rec.reading && !rec.tailQueued && rec.handle) {
      if (rec.pos >= size) {
        rec.tailQueued = true;
        this.sched.enqueue(id, { frame: encodeChunkEnd(id), dataBytes: 0, kind: 'end' });
        return;
      }
      if (this.sched.laneLength(id) >= READ_AHEAD_CHUNKS) return;
      const block = rec.block;
      if (!block) return this.readBlock(rec, size);
      const at = rec.pos - rec.blockStart;
      const len = Math.min(this.chunkSize, block.length - at);
      const frame = encodeChunkFrame(id, rec.seq++, block.subarray(at, at + len));
      // Advance before enqueueing: enqueue may send at once and re-enter fill() via onSent.
      rec.pos += len;
      this.held -= len;
      if (at + len >= block.length) rec.block = undefined;
      this.sched.enqueue(id, { frame, dataBytes: len, kind: 'chunk' });
      this.notePeak();
    }
  }

  /** Forget what `rec` still holds (it finished: cancelled, failed or done). */
  release(rec: TransferRecord): void {
    if (rec.block) this.held -= rec.block.length - (rec.pos - rec.blockStart);
    rec.block = undefined;
  }

  private readBlock(rec: TransferRecord, size: number): void {
    const handle = rec.handle!;
    // Never past the published size (a file that grew since fails at the check below).
    const len = Math.min(this.chunkSize * READ_BLOCK_CHUNKS, size - rec.pos);
    const buf = Buffer.allocUnsafe(len);
    rec.reading = true;
    this.reading += len;
    this.notePeak();
    const target = rec.target!;
    // Each block is checked against the published file after it is read and before any of it is
    // sent: a write in place (truncate and rewrite, an editor saving over it) changes the mtime,
    // so the listener never gets bytes of two versions, only a chunk_error after the old ones.
    const read = async () => {
      const n = await readFully(handle, buf, rec.pos);
      return { n, st: await handle.stat() };
    };
    read().then(
      ({ n, st }) => {
        rec.reading = false;
        this.reading -= len;
        if (rec.finished) return;
        const changed =
          st.size !== target.size || Math.floor(st.mtimeMs) !== Math.floor(target.mtimeMs);
        // Fewer bytes than published: the listener expects them all, so this can only truncate.
        if (n < len || changed) {
          const shrank = n < len || st.size < target.size;
          this.fail(rec, shrank ? 'File shrank while being sent' : 'File changed while being sent');
          return this.onStale(rec.req.trackId);
        }
        rec.block = buf;
        rec.blockStart = rec.pos;
        this.held += len;
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
