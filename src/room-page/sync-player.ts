/**
 * Keeps one <audio> element on the room's timeline: the host clock estimate (PING/PONG), each
 * PLAY/PAUSE/SEEK applied at its `atHostTime`, and the drift rule checked every 100 ms. Browser
 * code; the clock and the rules are the pure modules the Node tests check.
 */
import { ClockEstimator, nextPingDelay } from '../main/core/lan/rooms/clock';
import {
  driftAction,
  expectedPosition,
  IGNORE_ERROR_MS,
  SEEK_THROTTLE_MS,
  type Timeline,
} from '../main/core/lan/rooms/policy';
import type { ClientMessage, PlaylistEntry } from '../main/core/lan/rooms/protocol';

/** What the player tells the page about. */
export interface PlayerEvents {
  /** play() was refused (autoplay policy, a decode error): shown, never swallowed. */
  rejected(err: Error): void;
  changed(): void;
}

/** The sync loop for one audio element. */
export class SyncPlayer {
  readonly clock = new ClockEstimator();
  playlist: PlaylistEntry[] = [];
  /** The timeline in effect now; `pending` takes over at its atHostTime. */
  timeline: Timeline | null = null;
  pending: Timeline | null = null;
  private pendingTimer = 0;
  private pingTimer = 0;
  private sentInBurst = 0;
  private lastSeekAt = -Infinity;
  /** Speaker delay, ms: the element runs this far ahead so the sound comes out on time. */
  speakerDelayMs = 0;
  rateNudge = false;
  /**
   * Ms between play() or a seek and the element's clock moving (about 80 ms in headless
   * Chromium), learnt from each start: actions are taken this much early.
   */
  latencyMs = 0;
  /** When to check how the last start or seek landed (listener clock), or null. */
  private settleAt: number | null = null;
  /**
   * The settle is for a glitch, not a start: it corrects, but teaches no latency. It holds the
   * last error seen, and checks left: a clock that stalled may catch up by itself, so only an
   * error that stays put over two checks is corrected.
   */
  private glitch: { last: number | null; left: number } | null = null;
  /** The previous check's wall clock and element clock, to see the element's clock stop. */
  private lastTick: { wall: number; current: number } | null = null;
  lastErrorMs = 0;
  buffering = false;
  /** The URL a playlist entry loads from (the data saver's rendition, or the original). */
  urlOf = (e: PlaylistEntry): string => e.url;
  private loadedIndex = -1;

  constructor(
    readonly audio: HTMLAudioElement,
    private readonly send: (m: ClientMessage) => void,
    private readonly events: PlayerEvents,
  ) {
    audio.preservesPitch = true;
    audio.addEventListener('waiting', () => (this.buffering = true));
    audio.addEventListener('playing', () => (this.buffering = false));
    // Enough data again: while the room is paused for us, 'playing' will not come to say so.
    audio.addEventListener('canplaythrough', () => (this.buffering = false));
    audio.addEventListener('canplay', () => this.ready());
    window.setInterval(() => this.check(), 100);
    window.setInterval(() => this.sync(), 2000);
  }

  /** Host time now, by the estimate. */
  hostNow(): number {
    return this.clock.toHost(performance.now());
  }

  /** Starts (or restarts) a burst of pings: on joining, after a seek, on becoming visible. */
  burst(): void {
    this.sentInBurst = 0;
    window.clearTimeout(this.pingTimer);
    this.ping();
  }

  /** A PONG came back. */
  pong(t0: number, t1: number, t2: number): void {
    this.clock.add({ t0, t1, t2, t3: performance.now() });
  }

  /** Loads track `index` (the LOAD message) and pauses on `t`. */
  load(t: Timeline): void {
    this.loadedIndex = -1;
    window.clearTimeout(this.pendingTimer);
    this.pending = null;
    this.timeline = t;
    const entry = this.playlist[t.index];
    if (!entry) return;
    this.audio.pause();
    this.audio.src = this.urlOf(entry);
    this.audio.currentTime = t.position;
    this.events.changed();
  }

  /** A new timeline (HELLO, PLAY, PAUSE, SEEK): applied at its atHostTime. */
  schedule(t: Timeline): void {
    if (this.timeline === null || t.index !== this.timeline.index || this.audio.src === '') {
      this.load({ ...t, state: 'paused' });
    }
    window.clearTimeout(this.pendingTimer);
    this.pending = t;
    if (t.state === 'playing') this.prepare(t);
    const lead = t.state === 'playing' ? this.latencyMs : 0;
    const wait = this.clock.toLocal(t.atHostTime) - performance.now() - lead;
    this.pendingTimer = window.setTimeout(() => this.apply(t), Math.max(0, wait));
  }

  /** Where the element should be `aheadMs` from now, seconds (speaker delay included). */
  target(aheadMs = 0): number | undefined {
    const t = this.timeline;
    if (!t) return undefined;
    const d = this.playlist[t.index]?.duration;
    return expectedPosition(t, this.hostNow() + aheadMs, d) + this.speakerDelayMs / 1000;
  }

  /** Before a start: seek to the start position while paused, so play() has nothing to wait for. */
  private prepare(t: Timeline): void {
    if (!this.audio.paused) return;
    if (Math.abs(this.audio.currentTime - t.position) > 0.005) this.audio.currentTime = t.position;
  }

  private apply(t: Timeline): void {
    this.pending = null;
    this.timeline = t;
    this.lastSeekAt = performance.now();
    if (t.state === 'paused') {
      this.audio.pause();
      this.audio.currentTime = t.position;
    } else {
      // Where the timeline will be when the element's clock actually moves.
      const at = this.target(this.latencyMs) ?? t.position;
      if (Math.abs(this.audio.currentTime - at) > 0.01) this.audio.currentTime = at;
      if (this.audio.paused) this.play();
      this.settleAt = performance.now() + this.latencyMs + 300;
    }
    this.events.changed();
  }

  /**
   * How a start or seek landed, once the clock moves: the miss teaches the latency, and a miss
   * the ear could catch (20 ms or more) is put right at once with what was learnt. Drift later
   * in the track follows the 20 ms / 250 ms / 1.5 s rule instead.
   */
  private settle(errorMs: number, now: number): void {
    this.settleAt = null;
    const g = this.glitch;
    if (g) {
      if (Math.abs(errorMs) < IGNORE_ERROR_MS || --g.left < 0) return void (this.glitch = null);
      if (g.last === null || Math.abs(errorMs - g.last) >= 10) {
        g.last = errorMs;
        this.settleAt = now;
        return;
      }
      this.glitch = null;
      this.lastSeekAt = now;
      this.audio.currentTime = this.target(this.latencyMs) ?? this.audio.currentTime;
      this.settleAt = now + this.latencyMs + 300;
      return;
    }
    // Behind (negative) means the element started late: act earlier next time.
    const learnt = Math.max(0, Math.min(1000, this.latencyMs - errorMs));
    if (Math.abs(errorMs) < IGNORE_ERROR_MS) {
      this.latencyMs = this.latencyMs + (learnt - this.latencyMs) / 2;
      return;
    }
    this.latencyMs = learnt;
    this.lastSeekAt = now;
    this.audio.currentTime = this.target(this.latencyMs) ?? this.audio.currentTime;
    this.settleAt = now + this.latencyMs + 300;
  }

  /** play(), with a refusal reported. */
  play(): void {
    this.audio.play().catch((err: Error) => this.events.rejected(err));
  }

  private check(): void {
    const t = this.timeline;
    const target = this.target();
    if (!t || t.state !== 'playing' || this.pending || this.audio.paused || this.audio.seeking) {
      this.lastTick = null;
      return;
    }
    if (target === undefined) return;
    const errorMs = (this.audio.currentTime - target) * 1000;
    this.lastErrorMs = errorMs;
    const now = performance.now();
    const prev = this.lastTick;
    this.lastTick = { wall: now, current: this.audio.currentTime };
    const moved = prev ? (this.audio.currentTime - prev.current) * 1000 : 0;
    if (this.settleAt !== null) {
      // Judged only once the element's clock moves: a start still under way is not a miss.
      if (now >= this.settleAt && moved > 0) this.settle(errorMs, now);
      return;
    }
    // The element's clock stood still or jumped against the wall clock (an underrun on a busy
    // machine, a hiccup of the output): a discontinuity, like a start, re-aligned once it moves
    // again rather than left to the drift rule, which ignores anything under 250 ms.
    const lost = prev ? (now - prev.wall) * this.audio.playbackRate - moved : 0;
    if (Math.abs(lost) >= IGNORE_ERROR_MS && now - this.lastSeekAt >= SEEK_THROTTLE_MS) {
      this.glitch = { last: null, left: 10 };
      // At the next check where the clock moves: every 100 ms off is heard.
      this.settleAt = now;
      return;
    }
    const action = driftAction({
      errorMs,
      now,
      lastSeekAt: this.lastSeekAt,
      nudge: this.rateNudge,
    });
    if (action.kind === 'seek') {
      this.lastSeekAt = now;
      this.audio.currentTime = this.target(this.latencyMs) ?? target;
      this.settleAt = now + this.latencyMs + 300;
      this.burst();
    }
    if (this.audio.playbackRate !== action.rate) this.audio.playbackRate = action.rate;
  }

  private ready(): void {
    const t = this.timeline;
    if (!t || this.loadedIndex === t.index) return;
    this.loadedIndex = t.index;
    const duration = Number.isFinite(this.audio.duration) ? this.audio.duration : 0;
    this.send({ type: 'READY', index: t.index, duration });
  }

  private sync(): void {
    if (!this.timeline || !this.clock.ready) return;
    const b = this.audio.buffered;
    const end = b.length ? b.end(b.length - 1) : 0;
    this.send({
      type: 'SYNC',
      position: Math.max(0, this.audio.currentTime),
      buffered: Math.max(0, end - this.audio.currentTime),
      clientTime: performance.now(),
      state: this.buffering ? 'buffering' : this.audio.paused ? 'paused' : 'playing',
      offset: this.clock.offset,
      rtt: this.clock.rtt,
      errorMs: this.timeline.state === 'playing' ? this.lastErrorMs : 0,
    });
  }

  private ping(): void {
    this.send({ type: 'PING', t0: performance.now() });
    this.pingTimer = window.setTimeout(() => this.ping(), nextPingDelay(this.sentInBurst++));
  }
}
