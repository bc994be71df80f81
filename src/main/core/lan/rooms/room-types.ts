/**
 * The shapes a room is made of (its queue, options, the window's view of it, a listener's
 * connection) and the playlist the pages see.
 */
import type { LanTrack } from '../serve-track';
import type { Timeline } from './policy';
import type { PlaylistEntry, RoomUser, ServerMessage } from './protocol';

/** A queued track: what the range server needs, and what the page shows. */
export interface RoomTrack extends LanTrack {
  title: string;
  artist?: string;
  /** Seconds, when the library knows; otherwise the first page that loads it says. */
  duration?: number;
}

/** Per-room settings (off by default: the host controls, one stalled phone does not stop all). */
export interface RoomOptions {
  listenersControl: boolean;
  pauseForBuffering: boolean;
  rateNudge: boolean;
  /** The host offers the data-saver rendition (it has ffmpeg): set by RoomHost, not by hosts. */
  dataSaver: boolean;
}

/** The room as the host's window shows it. */
export interface RoomState {
  id: string;
  queue: Omit<PlaylistEntry, 'url'>[];
  status: Timeline;
  listeners: RoomUser[];
  options: RoomOptions;
}

/** A listener's open connection, as the room sees it. */
export interface RoomConnection {
  send(msg: ServerMessage): void;
  close(reason: string): void;
}

/** The queue as the pages see it: no paths, each track's cookie-scoped URL in this room. */
export function playlistOf(roomId: string, queue: readonly RoomTrack[]): PlaylistEntry[] {
  return queue.map((t) => ({
    id: t.id,
    title: t.title,
    ...(t.artist ? { artist: t.artist } : {}),
    ...(t.duration !== undefined ? { duration: t.duration } : {}),
    url: `/room/${roomId}/track/${t.id}`,
  }));
}
