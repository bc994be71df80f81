/**
 * One scheduler per manager shares a single send window across every active transfer. Each
 * transfer is a lane of ready frames; lanes take turns one frame at a time (round-robin), so 20
 * listeners each get a fair share and none starves. The window is the number of wire bytes handed
 * to the socket whose send callback has not fired yet; it opens to ~100 ms of the measured link
 * rate, so a pong queued by the tunnel waits behind at most that much audio.
 *
 * The window only sees user space. Behind a slow uplink the kernel takes megabytes more, so the
 * sink's `deliveryRoom` (bytes the server has not yet confirmed, see tunnel/delivery.ts) caps what
 * may be in the network at all; a confirmation wakes the pump.
 *
 * No polling: sends resume from send callbacks, delivery confirmations, new frames, and from one
 * timer armed only while the upload cap (or someone else's bytes in the socket) holds sends back.
 */
import { computeWindow, createLinkEstimator, linkAck, linkBusy, linkRate } from './rate';
import { createBucket, setBucketRate, spend, waitMs } from './token-bucket';
import type { TokenBucket } from './token-bucket';
import type { FrameSink } from './types';

/** One frame waiting in a lane. `dataBytes` is the raw file bytes it carries (0 for end/error). */
export interface LaneItem {
  frame: Buffer;
  dataBytes: number;
  kind: 'chunk' | 'end' | 'error';
}

/** What the scheduler tells its owner. */
export interface SchedulerHooks {
  /** `item` left its lane for the socket: room for read-ahead. */
  sent(laneId: string, item: LaneItem): void;
  /** The socket is done with `item` (`err` set if the send failed). Never called for an old sink. */
  done(laneId: string, item: LaneItem, err: Error | undefined): void;
  /** Frames are waiting but the sink reports closed: treat like a failed send. */
  lost(): void;
}

/** Construction options; byte counts are wire bytes. */
export interface SchedulerOptions {
  minInflight: number;
  maxInflight: number;
  uploadRateLimit: number;
  now: () => number;
  hooks: SchedulerHooks;
}

/** How long to wait when only bytes that are not ours fill the socket (we get no callback for them). */
const FOREIGN_RETRY_MS = 20;

interface Lane {
  id: string;
  items: LaneItem[];
}

/** The shared, fair, window-bounded sender. */
export class SendScheduler {
  private sink: FrameSink | null = null;
  /** Bumped per sink: callbacks of an old socket must not touch the new accounting. */
  private generation = 0;
  private unsubscribe: (() => void) | undefined;
  private inflightBytes = 0;
  private lanes: Lane[] = [];
  private cursor = 0;
  private link = createLinkEstimator();
  private bucket: TokenBucket;
  private timer: NodeJS.Timeout | undefined;
  private pumping = false;
  private again = false;
  /** Highest in-flight byte count seen (diagnostics and tests). */
  peakInflight = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.bucket = createBucket(opts.uploadRateLimit, opts.now());
  }

  /** Bytes handed to the current sink and not yet confirmed. */
  get inflight(): number {
    return this.inflightBytes;
  }

  /** The current window in wire bytes. */
  window(): number {
    const now = this.opts.now();
    return computeWindow(linkRate(this.link, now), this.opts.minInflight, this.opts.maxInflight);
  }

  /** Switch sockets. Lanes stay (the owner removes them); in-flight accounting starts over. */
  setSink(sink: FrameSink | null): void {
    this.unsubscribe?.();
    this.unsubscribe = sink?.onDelivered?.(() => this.pump());
    this.sink = sink;
    this.generation++;
    this.inflightBytes = 0;
    this.link = createLinkEstimator();
    this.clearTimer();
    this.pump();
  }

  /** Change the upload cap (bytes/s, 0 = none). */
  setRateLimit(rate: number): void {
    setBucketRate(this.bucket, Math.max(0, rate), this.opts.now());
    this.clearTimer();
    this.pump();
  }

  /** Start a lane for `id` (a no-op if it exists). */
  addLane(id: string): void {
    if (!this.lanes.some((l) => l.id === id)) this.lanes.push({ id, items: [] });
  }

  /** Drop a lane and every frame still waiting in it; frames already handed over stay in flight. */
  removeLane(id: string): void {
    const i = this.lanes.findIndex((l) => l.id === id);
    if (i < 0) return;
    this.lanes.splice(i, 1);
    if (this.cursor > i) this.cursor--;
    if (this.cursor >= this.lanes.length) this.cursor = 0;
  }

  /** Frames waiting in `id`'s lane. */
  laneLength(id: string): number {
    return this.lanes.find((l) => l.id === id)?.items.length ?? 0;
  }

  /** Raw file bytes waiting in all lanes (read but not yet handed to the socket). */
  queuedDataBytes(): number {
    let sum = 0;
    for (const lane of this.lanes) for (const item of lane.items) sum += item.dataBytes;
    return sum;
  }

  /** Queue `item` at the end of `id`'s lane (frames of one lane go out in order). */
  enqueue(id: string, item: LaneItem): void {
    const lane = this.lanes.find((l) => l.id === id);
    if (!lane) return;
    lane.items.push(item);
    this.pump();
  }

  /** Send a small frame that has no lane (an error before any data) right away. */
  sendNow(id: string, item: LaneItem): void {
    if (!this.sink?.open) {
      this.opts.hooks.done(id, item, new Error('The tunnel is closed.'));
      return;
    }
    this.transmit(this.sink, id, item);
  }

  /** Stop the timer and forget the sink. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.clearTimer();
    this.sink = null;
    this.generation++;
    this.lanes = [];
  }

  /** Send as much as the window, the socket and the cap allow. Safe to call at any time. */
  pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.pumpOnce();
      } while (this.again);
    } finally {
      this.pumping = false;
    }
  }

  private pumpOnce(): void {
    for (;;) {
      const sink = this.sink;
      if (!sink || this.timer) return;
      const idx = this.nextLane();
      if (idx < 0) return;
      if (!sink.open) {
        // Frames are waiting and the socket is gone: the same as a failed send.
        this.opts.hooks.lost();
        return;
      }
      const lane = this.lanes[idx]!;
      const item = lane.items[0]!;
      const window = this.window();
      // Always allow one frame when nothing is in flight, so a tiny window cannot deadlock.
      if (this.inflightBytes > 0 && this.inflightBytes + item.frame.length > window) return;
      if (sink.bufferedAmount > window) {
        // With our own bytes in flight a callback will wake us; otherwise only time will.
        if (this.inflightBytes === 0) this.arm(FOREIGN_RETRY_MS);
        return;
      }
      // The network holds all it should; the next delivery confirmation wakes us.
      if (item.frame.length > (sink.deliveryRoom?.() ?? Infinity)) return;
      const wait = waitMs(this.bucket, this.opts.now());
      if (wait > 0) {
        this.arm(wait);
        return;
      }
      lane.items.shift();
      this.cursor = (idx + 1) % this.lanes.length;
      this.transmit(sink, lane.id, item);
    }
  }

  /** Index of the next lane (from the cursor, round-robin) with a frame ready, or -1. */
  private nextLane(): number {
    const n = this.lanes.length;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      if (this.lanes[i]!.items.length > 0) return i;
    }
    return -1;
  }

  private transmit(sink: FrameSink, id: string, item: LaneItem): void {
    const gen = this.generation;
    const len = item.frame.length;
    if (this.inflightBytes === 0) linkBusy(this.link, this.opts.now());
    this.inflightBytes += len;
    this.peakInflight = Math.max(this.peakInflight, this.inflightBytes);
    spend(this.bucket, len);
    let called = false;
    const cb = (err?: Error) => {
      if (called) return;
      called = true;
      if (gen !== this.generation) return;
      this.inflightBytes -= len;
      linkAck(this.link, this.opts.now(), len, this.inflightBytes === 0);
      this.opts.hooks.done(id, item, err ?? undefined);
      this.pump();
    };
    try {
      sink.send(item.frame, cb);
    } catch (err) {
      cb(err instanceof Error ? err : new Error(String(err)));
    }
    this.opts.hooks.sent(id, item);
  }

  private arm(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
