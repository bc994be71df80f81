/**
 * Served-traffic accounting: today's and all-time totals, and per-track play/download counts.
 * "Today" is the local calendar day; the counters reset on the first event after local midnight.
 */
import type { TransferKind } from '../../../shared/contract';

/** Plays and downloads completed for one track. */
export interface TrackCounts {
  plays: number;
  downloads: number;
}

/** The persistent part of the statistics (see stats-store.ts for the stored form). */
export interface StatsState {
  /** Local day (YYYY-MM-DD) the `*Today` counters belong to. */
  day: string;
  bytesToday: number;
  bytesAllTime: number;
  streamsToday: number;
  downloadsToday: number;
  counts: Map<string, TrackCounts>;
}

/** The local calendar day of `ms`, as YYYY-MM-DD. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Empty statistics for the day of `now`. */
export function emptyStats(now: number): StatsState {
  return {
    day: localDay(now),
    bytesToday: 0,
    bytesAllTime: 0,
    streamsToday: 0,
    downloadsToday: 0,
    counts: new Map(),
  };
}

/** Start a new day if `now` is past the day the counters belong to. */
export function rollDay(s: StatsState, now: number): void {
  const day = localDay(now);
  if (day !== s.day) {
    s.day = day;
    s.bytesToday = 0;
    s.streamsToday = 0;
    s.downloadsToday = 0;
  }
}

/** Count `bytes` of file data served at `now`. */
export function addServedBytes(s: StatsState, now: number, bytes: number): void {
  rollDay(s, now);
  s.bytesToday += bytes;
  s.bytesAllTime += bytes;
}

/** Count one completed transfer of `trackId` at `now`. */
export function addCompleted(
  s: StatsState,
  now: number,
  kind: TransferKind,
  trackId: string,
): void {
  rollDay(s, now);
  const c = s.counts.get(trackId) ?? { plays: 0, downloads: 0 };
  if (kind === 'stream') {
    s.streamsToday++;
    c.plays++;
  } else {
    s.downloadsToday++;
    c.downloads++;
  }
  s.counts.set(trackId, c);
}
