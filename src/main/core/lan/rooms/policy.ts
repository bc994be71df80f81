/**
 * The room's timing rules as pure functions, shared by the host (scheduling) and the page
 * (drift): when an action takes effect, where the timeline says a listener should be, and what a
 * listener does about an error. Numbers from Jellyfin SyncPlay, tuned for music (LAN notes §5).
 */

/** Actions are scheduled at least this far ahead (Jellyfin's floor). */
export const MIN_LEAD_MS = 500;
/** On a track change the host waits this long at most for every page to say it can play. */
export const READY_WAIT_MS = 3000;
/** Errors below this are not corrected: nobody hears 20 ms, and chasing it makes it worse. */
export const IGNORE_ERROR_MS = 20;
/** Errors at or above this are corrected by seeking. */
export const SEEK_ERROR_MS = 250;
/** At most one corrective seek this often (Jellyfin's throttle). */
export const SEEK_THROTTLE_MS = 1500;
/** The rate nudge, when on, stays within ±3 % (with preservesPitch on). */
export const MAX_RATE_NUDGE = 0.03;

/** Where the room's playback is: a position at a host time, moving or not. */
export interface Timeline {
  state: 'playing' | 'paused';
  /** Index in the queue. */
  index: number;
  /** Seconds into the track at `atHostTime`. */
  position: number;
  /** Host clock, ms. When playing, the moment the track is at `position`; may be in the future. */
  atHostTime: number;
}

/**
 * How far ahead the host schedules an action: max(2 × the highest listener round trip, 500 ms),
 * so the slowest listener hears of it with time to spare.
 */
export function leadTime(roundTrips: readonly number[]): number {
  let highest = 0;
  for (const r of roundTrips) if (Number.isFinite(r) && r > highest) highest = r;
  return Math.max(2 * highest, MIN_LEAD_MS);
}

/**
 * Seconds into the track the timeline says at host time `hostNow`. A start scheduled in the
 * future holds the position until it comes; a duration, when known, caps it.
 */
export function expectedPosition(t: Timeline, hostNow: number, duration?: number): number {
  const moved = t.state === 'playing' ? Math.max(0, hostNow - t.atHostTime) / 1000 : 0;
  const p = t.position + moved;
  return duration !== undefined && duration > 0 ? Math.min(p, duration) : p;
}

/** What a listener does about its error. */
export type DriftAction =
  { kind: 'none'; rate: 1 } | { kind: 'seek'; rate: 1 } | { kind: 'nudge'; rate: number };

/** Inputs of `driftAction`. */
export interface DriftInput {
  /** currentTime − expected position, ms (positive: ahead). */
  errorMs: number;
  /** Listener clock now, and when it last seeked to correct (−Infinity if never). */
  now: number;
  lastSeekAt: number;
  /** The rate nudge is a room/listener option, off by default ("sounds bad on songs"). */
  nudge: boolean;
}

/**
 * The drift rule: under 20 ms nothing; from 250 ms a seek, at most once every 1.5 s; in between,
 * when nudging is on, a playbackRate that closes the gap in about a second, within ±3 %.
 */
export function driftAction(d: DriftInput): DriftAction {
  const abs = Math.abs(d.errorMs);
  if (!Number.isFinite(abs) || abs < IGNORE_ERROR_MS) return { kind: 'none', rate: 1 };
  if (abs >= SEEK_ERROR_MS) {
    return d.now - d.lastSeekAt >= SEEK_THROTTLE_MS
      ? { kind: 'seek', rate: 1 }
      : { kind: 'none', rate: 1 };
  }
  if (!d.nudge) return { kind: 'none', rate: 1 };
  // Ahead → slower. Jellyfin's speedToSync: rate = 1 + diff / 1000 ms, here clamped to ±3 %.
  const change = Math.min(MAX_RATE_NUDGE, abs / 1000);
  return { kind: 'nudge', rate: d.errorMs > 0 ? 1 - change : 1 + change };
}

/** A page whose buffer runs dry this often within STALL_WINDOW_MS switches to the data saver. */
export const STALL_LIMIT = 3;
export const STALL_WINDOW_MS = 60_000;

/** Counts a page's stalls: `add` is true once there were STALL_LIMIT within the window. */
export class StallWatch {
  private times: number[] = [];

  add(now: number): boolean {
    this.times = [...this.times.filter((t) => now - t < STALL_WINDOW_MS), now];
    return this.times.length >= STALL_LIMIT;
  }

  clear(): void {
    this.times = [];
  }
}
