/**
 * Serves the server's stream and download requests through the tunnel: a FIFO queue capped at
 * `maxConcurrent`, verified files, bounded read-ahead (two chunks per transfer), one fair shared
 * send window (send-scheduler.ts), and statistics pushed as throttled events.
 */
import { EventEmitter } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { TransferInfo, TransferTotals } from '../../../shared/contract';
import { chunkFrameLength, encodeChunkError } from './chunk-frame';
import { openPublished } from './file-source';
import { ReadAhead } from './read-ahead';
import { meterAdd } from './rate';
import { SendScheduler } from './send-scheduler';
import type { LaneItem } from './send-scheduler';
import { ServedStats } from './served-stats';
import type { TrackCounts } from './stats';
import type { StoredStats } from './stats-store';
import { createRecord, snapshotInfo } from './transfer-record';
import type { TransferRecord } from './transfer-record';
import { Ticker } from './ticker';
import type {
  FrameSink,
  PeerRequest,
  TransferDebug,
  TransferLimits,
  TransferOptions,
} from './types';

export type { TransferDebug } from './types';

const HISTORY = 50;
const LOST = 'The connection was lost while sending';
/** Progress events at most ~4 times per second. */
const EMIT_MS = 250;

/** The transfer engine; one per tunnel, fed with a new sink on every connection. */
export class TransferManager extends EventEmitter<{
  update: [TransferInfo];
  totals: [TransferTotals];
  stale: [trackId: string];
}> {
  private readonly now: () => number;
  private readonly chunkSize: number;
  private readonly sched: SendScheduler;
  private readonly reader: ReadAhead;
  private sink: FrameSink | null = null;
  private maxConcurrent: number;
  private readonly active = new Map<string, TransferRecord>();
  private queue: TransferRecord[] = [];
  private history: TransferRecord[] = [];
  private readonly stats: ServedStats;
  private readonly ticker = new Ticker(EMIT_MS, () => this.flush());
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly opts: TransferOptions) {
    super();
    this.now = opts.now ?? Date.now;
    this.chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? 64 * 1024));
    this.maxConcurrent = Math.max(1, Math.floor(opts.maxConcurrent ?? 6));
    this.stats = new ServedStats(opts.stats, this.now);
    const fullFrame = chunkFrameLength('0'.repeat(36), 0, this.chunkSize);
    const maxInflight = opts.maxInflightBytes ?? 512 * 1024;
    this.sched = new SendScheduler({
      minInflight: Math.min(opts.minInflightBytes ?? 2 * fullFrame, maxInflight),
      maxInflight,
      uploadRateLimit: opts.uploadRateLimit ?? 0,
      now: this.now,
      hooks: {
        sent: (id) => this.onSent(id),
        done: (id, item, err) => this.onDone(id, item, err),
        lost: () => this.dropAll('failed', LOST),
      },
    });
    this.reader = new ReadAhead(this.sched, this.chunkSize, (id) => this.emit('stale', id));
  }

  /** Attach the socket of a new session, or `null` when it closed: either way, drop all transfers. */
  setSink(sink: FrameSink | null): void {
    if (sink === this.sink) return;
    this.dropAll('cancelled', sink ? 'The connection was replaced' : 'The connection closed');
    this.sink = sink;
    this.sched.setSink(sink);
  }

  /** Queue a request, or answer `chunk_error` at once if it cannot be served. */
  handle(req: PeerRequest): void {
    if (this.closed) return;
    // A repeated id is already being served: a second reader would interleave its seqs.
    if (this.active.has(req.requestId) || this.queue.some((r) => r.req.requestId === req.requestId))
      return;
    // Ids come from the server: they reach a file only through `resolve`, never as paths.
    const target = this.opts.resolve(req.trackId);
    const rec = createRecord(req, target, this.now());
    if (!this.sink?.open) return this.finish(rec, 'failed', 'Not connected');
    if (!target) return this.reject(rec, 'Unknown track');
    if (req.kind === 'download' && !target.allowDownload) {
      return this.reject(rec, 'Downloads are disabled for this track');
    }
    // The protocol has no stream-only flag per track: refuse at once rather than send bytes the
    // listener's browser cannot decode (docs/PROTOCOL.md section 3).
    if (req.kind === 'stream' && target.downloadOnly) {
      return this.reject(rec, 'This track plays in apps, not in browsers: download it');
    }
    this.queue.push(rec);
    this.emitUpdate(rec);
    this.startNext();
  }

  /** Stop a request now: no more reads, its waiting frames dropped, its file closed. */
  cancel(requestId: string): void {
    const rec = this.active.get(requestId) ?? this.queue.find((r) => r.req.requestId === requestId);
    if (rec) this.finish(rec, 'cancelled');
  }

  /** Change the concurrency cap and/or the upload cap (bytes/s, 0 = none). */
  setLimits(limits: TransferLimits): void {
    if (limits.maxConcurrent !== undefined && limits.maxConcurrent >= 1) {
      this.maxConcurrent = Math.floor(limits.maxConcurrent);
    }
    if (limits.uploadRateLimit !== undefined && limits.uploadRateLimit >= 0) {
      this.sched.setRateLimit(limits.uploadRateLimit);
    }
    this.startNext();
  }

  /** Active, then queued, then the last finished transfers (newest first). */
  list(): TransferInfo[] {
    const now = this.now();
    return [...this.active.values(), ...this.queue, ...[...this.history].reverse()].map((r) =>
      snapshotInfo(r, now),
    );
  }

  /** Totals as of now. */
  totals(): TransferTotals {
    return this.stats.totals(this.active.size, this.queue.length);
  }

  /** Completed plays and downloads per track id (a copy). */
  counts(): Map<string, TrackCounts> {
    return this.stats.counts();
  }

  /** The statistics to persist (pass back as `stats` next time). */
  storedStats(): StoredStats {
    return this.stats.stored();
  }

  /** Counters for diagnostics and tests. */
  debug(): TransferDebug {
    return {
      readAheadBytes: this.reader.bytes,
      peakReadAheadBytes: this.reader.peak,
      readAheadBound: this.maxConcurrent * this.reader.boundPerTransfer,
      inflightBytes: this.sched.inflight,
      peakInflightBytes: this.sched.peakInflight,
      window: this.sched.window(),
    };
  }

  /** Cancel everything and release every file; resolves once all handles are closed. */
  async close(): Promise<void> {
    this.closed = true;
    this.dropAll('cancelled', 'Shutting down');
    this.sched.close();
    this.ticker.stop();
    // Opens in progress finish (and release their handle) before the closes they queue.
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private startNext(): void {
    while (!this.closed && this.active.size < this.maxConcurrent && this.queue.length > 0) {
      this.track(this.start(this.queue.shift()!));
    }
  }

  private async start(rec: TransferRecord): Promise<void> {
    const id = rec.req.requestId;
    this.active.set(id, rec);
    rec.info.state = 'active';
    rec.info.startedAt = this.now();
    this.emitUpdate(rec);
    const opened = await openPublished(rec.target!);
    if (rec.finished) {
      if (opened.ok) this.release(opened.handle);
      return;
    }
    if (!opened.ok) {
      this.reject(rec, opened.message);
      if (opened.stale) this.emit('stale', rec.req.trackId);
      return;
    }
    rec.handle = opened.handle;
    this.sched.addLane(id);
    this.reader.fill(rec);
  }

  /** Answer chunk_error without any data and record the failure. */
  private reject(rec: TransferRecord, message: string): void {
    const id = rec.req.requestId;
    this.finish(rec, 'failed', message);
    this.sched.sendNow(id, { frame: encodeChunkError(id, message), dataBytes: 0, kind: 'error' });
  }

  private onSent(id: string): void {
    const rec = this.active.get(id);
    if (rec) this.reader.fill(rec);
  }

  private onDone(id: string, item: LaneItem, err: Error | undefined): void {
    if (err) return this.dropAll('failed', LOST);
    const now = this.now();
    const rec = this.active.get(id);
    if (item.dataBytes > 0) {
      this.stats.served(item.dataBytes);
      if (rec) {
        rec.info.bytesSent += item.dataBytes;
        meterAdd(rec.meter, now, item.dataBytes);
        this.ticker.arm();
      }
    }
    if (!rec) return;
    if (item.kind === 'end') {
      this.stats.completed(rec.req.kind, rec.req.trackId);
      this.finish(rec, 'done');
    } else if (item.kind === 'error') {
      this.finish(rec, 'failed', rec.pendingError);
    }
  }

  private finish(
    rec: TransferRecord,
    state: 'done' | 'cancelled' | 'failed',
    error?: string,
  ): void {
    if (rec.finished) return;
    rec.finished = true;
    const id = rec.req.requestId;
    rec.info.state = state;
    rec.info.endedAt = this.now();
    if (error) rec.info.error = error;
    this.queue = this.queue.filter((r) => r !== rec);
    this.active.delete(id);
    this.sched.removeLane(id);
    if (rec.handle) this.release(rec.handle);
    rec.handle = undefined;
    this.reader.release(rec);
    this.history.push(rec);
    if (this.history.length > HISTORY) this.history.shift();
    this.emitUpdate(rec);
    this.startNext();
  }

  /** Finish every queued, then every active transfer (queued first, so none starts meanwhile). */
  private dropAll(state: 'cancelled' | 'failed', reason: string): void {
    for (const rec of this.queue.splice(0)) this.finish(rec, state, reason);
    for (const rec of [...this.active.values()]) this.finish(rec, state, reason);
  }

  private release(handle: FileHandle): void {
    // close() waits for a read still in progress on the handle, then frees the descriptor.
    this.track(handle.close());
  }

  /** Remember a pending open or close, so close() can wait until every descriptor is released. */
  private track(p: Promise<unknown>): void {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  private emitUpdate(rec: TransferRecord): void {
    const info = snapshotInfo(rec, this.now());
    rec.lastEmitted = { bytes: info.bytesSent, rate: info.rate };
    this.emit('update', info);
    this.ticker.arm();
  }

  /** Progress of active transfers and the totals, at most every EMIT_MS; stops when all is idle. */
  private flush(): boolean {
    const now = this.now();
    for (const rec of this.active.values()) {
      const info = snapshotInfo(rec, now);
      if (info.bytesSent !== rec.lastEmitted.bytes || info.rate !== rec.lastEmitted.rate) {
        rec.lastEmitted = { bytes: info.bytesSent, rate: info.rate };
        this.emit('update', info);
      }
    }
    const totals = this.totals();
    this.emit('totals', totals);
    // Keep ticking until the rolling rate has decayed, so the last totals event reads 0 B/s.
    return this.active.size > 0 || totals.rate > 0;
  }
}
