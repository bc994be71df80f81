/**
 * The manager's bookkeeping for one request: what the UI sees (`info`) plus the reader's cursor.
 */
import type { FileHandle } from 'node:fs/promises';
import type { TransferInfo } from '../../../shared/contract';
import { createMeter, meterRate } from './rate';
import type { RateMeter } from './rate';
import type { PeerRequest, ServeTarget } from './types';

/** One request, from queued to finished. */
export interface TransferRecord {
  info: TransferInfo;
  req: PeerRequest;
  target: ServeTarget | undefined;
  handle: FileHandle | undefined;
  /** Next file offset to read. */
  pos: number;
  /** Next chunk seq to encode. */
  seq: number;
  /** A read is in progress (at most one per transfer). */
  reading: boolean;
  /** File bytes read and not yet all cut into chunks, starting at offset `blockStart`. */
  block: Buffer | undefined;
  blockStart: number;
  /** chunk_end or chunk_error is queued: no more reads. */
  tailQueued: boolean;
  /** The message of a queued chunk_error. */
  pendingError: string | undefined;
  finished: boolean;
  meter: RateMeter;
  /** What the last `update` showed, to skip identical ones. */
  lastEmitted: { bytes: number; rate: number };
}

/** A queued record for `req`; `target` is what `resolve` gave (undefined = unknown id). */
export function createRecord(
  req: PeerRequest,
  target: ServeTarget | undefined,
  now: number,
): TransferRecord {
  return {
    info: {
      requestId: req.requestId,
      trackId: req.trackId,
      title: target?.title ?? req.trackId,
      kind: req.kind,
      state: 'queued',
      bytesSent: 0,
      totalBytes: target?.size ?? 0,
      rate: 0,
      startedAt: now,
    },
    req,
    target,
    handle: undefined,
    pos: 0,
    seq: 0,
    reading: false,
    block: undefined,
    blockStart: 0,
    tailQueued: false,
    pendingError: undefined,
    finished: false,
    meter: createMeter(),
    lastEmitted: { bytes: -1, rate: -1 },
  };
}

/** A copy of the record's public view with its rate as of `now` (0 once it is not active). */
export function snapshotInfo(rec: TransferRecord, now: number): TransferInfo {
  const rate = rec.info.state === 'active' ? Math.round(meterRate(rec.meter, now)) : 0;
  return { ...rec.info, rate };
}
