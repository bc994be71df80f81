/**
 * The stored form of the transfer statistics, so the engine can keep all-time totals and per-track
 * counts across restarts. Pure: the engine decides where the object lives (settings, a JSON file).
 * Whatever comes back from disk is validated: a bad entry is dropped, never trusted.
 */
import { emptyStats, rollDay } from './stats';
import type { StatsState, TrackCounts } from './stats';

/** JSON-safe snapshot of `StatsState`. */
export interface StoredStats {
  version: 1;
  day: string;
  bytesToday: number;
  bytesAllTime: number;
  streamsToday: number;
  downloadsToday: number;
  counts: Record<string, TrackCounts>;
}

/** A plain object to persist (JSON-safe; the Map becomes a record). */
export function serializeTotals(s: StatsState): StoredStats {
  const counts: Record<string, TrackCounts> = Object.create(null) as Record<string, TrackCounts>;
  for (const [id, c] of s.counts) counts[id] = { plays: c.plays, downloads: c.downloads };
  return {
    version: 1,
    day: s.day,
    bytesToday: s.bytesToday,
    bytesAllTime: s.bytesAllTime,
    streamsToday: s.streamsToday,
    downloadsToday: s.downloadsToday,
    counts,
  };
}

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Statistics from a stored object (anything: it was read from disk). Missing or invalid numbers
 * become 0, invalid track entries are dropped, and the `*Today` counters reset if `now` is on a
 * later day than the stored one.
 */
export function restoreTotals(raw: unknown, now: number): StatsState {
  const s = emptyStats(now);
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== 1)
    return s;
  const r = raw as Partial<Record<keyof StoredStats, unknown>>;
  if (isCount(r.bytesAllTime)) s.bytesAllTime = r.bytesAllTime;
  if (typeof r.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r.day)) {
    s.day = r.day;
    if (isCount(r.bytesToday)) s.bytesToday = r.bytesToday;
    if (isCount(r.streamsToday)) s.streamsToday = r.streamsToday;
    if (isCount(r.downloadsToday)) s.downloadsToday = r.downloadsToday;
    rollDay(s, now);
  }
  if (typeof r.counts === 'object' && r.counts !== null && !Array.isArray(r.counts)) {
    for (const [id, c] of Object.entries(r.counts as Record<string, unknown>)) {
      if (typeof c !== 'object' || c === null) continue;
      const { plays, downloads } = c as { plays?: unknown; downloads?: unknown };
      if (isCount(plays) && isCount(downloads) && id.length > 0)
        s.counts.set(id, { plays, downloads });
    }
  }
  return s;
}
