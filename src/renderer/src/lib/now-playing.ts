/**
 * What the now-playing strip shows, from the engine's `transfers` event (pure): each track being
 * streamed right now, once, with how many streams of it are running, most listened first.
 */
import type { TrackInfo, TransferInfo } from '../../../shared/contract';

/** One track being listened to now. */
export interface Playing {
  trackId: string;
  title: string;
  artist?: string;
  album?: string;
  /** Streams of this track running now: one per listener (a listener seeking may count twice). */
  listeners: number;
  /** When the earliest of those streams started (epoch ms). */
  since: number;
}

/**
 * Groups the active streams by track. Titles and artists come from the track list when the track
 * is known there, else from the transfer (its title only). Downloads are not listening; queued
 * streams have not started playing. Ordered by listeners, then by who started first.
 */
export function nowPlaying(
  transfers: readonly TransferInfo[],
  lookup: (id: string) => TrackInfo | undefined,
): Playing[] {
  const byTrack = new Map<string, Playing>();
  for (const t of transfers) {
    if (t.kind !== 'stream' || t.state !== 'active') continue;
    const known = byTrack.get(t.trackId);
    if (known) {
      known.listeners++;
      known.since = Math.min(known.since, t.startedAt);
      continue;
    }
    const track = lookup(t.trackId);
    byTrack.set(t.trackId, {
      trackId: t.trackId,
      title: track?.title ?? t.title,
      artist: track?.artist,
      album: track?.album,
      listeners: 1,
      since: t.startedAt,
    });
  }
  return [...byTrack.values()].sort((a, b) => b.listeners - a.listeners || a.since - b.since);
}
