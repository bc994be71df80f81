/**
 * Where the room's timeline is now, for the host's window: the engine's `RoomInfo` says where
 * it stood at a moment on the host's clock (`atHostTime`) and what that clock read when the info
 * was made (`hostNow`); the window adds the time passed on its own clock since it received it.
 */
import type { RoomInfo } from '../../../shared/contract';

/** Seconds into the current track at local time `localNow` (ms), never past its duration. */
export function roomPosition(room: RoomInfo, receivedAt: number, localNow: number): number {
  const s = room.status;
  if (s.state !== 'playing') return s.position;
  const hostNow = room.hostNow + (localNow - receivedAt);
  // Before atHostTime the start is scheduled, not yet happened: hold the position.
  const played = Math.max(0, (hostNow - s.atHostTime) / 1000);
  const duration = room.queue[s.index]?.duration;
  const at = s.position + played;
  return duration ? Math.min(at, duration) : at;
}

/** "2:05" for 125 s. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
