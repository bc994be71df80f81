/**
 * The room's WebSocket messages (Streamshare's set, with `atHostTime` and a clock ping), and the
 * validation of everything a listener sends: a frame that is not exactly one of these shapes is
 * refused with a reason and changes nothing.
 */
import type { Timeline } from './policy';

/** A queued track as the page sees it (no paths: the audio comes from `url`). */
export interface PlaylistEntry {
  id: string;
  title: string;
  artist?: string;
  /** Seconds, when known. */
  duration?: number;
  /** Same origin, cookie-scoped: `/room/<room>/track/<id>`. */
  url: string;
}

/** A listener as the room shows it. */
export interface RoomUser {
  id: string;
  name: string;
  /** `catching-up`: stalled while the room plays on. */
  state: 'joining' | 'ready' | 'playing' | 'paused' | 'catching-up';
  /** Its clock offset from the host and the round trip of its best sample, ms. */
  offset: number;
  rtt: number;
  /** Its last reported |position error|, ms. */
  errorMs: number;
}

/** Room options a listener may see. */
export interface RoomOptionsView {
  listenersControl: boolean;
  pauseForBuffering: boolean;
  rateNudge: boolean;
  /** The host offers the data-saver rendition at `/room/<room>/hls/<track>/index.m3u8`. */
  dataSaver: boolean;
}

/** Host → listener. */
export type ServerMessage =
  | {
      type: 'HELLO';
      you: string;
      users: RoomUser[];
      status: Timeline;
      playlist: PlaylistEntry[];
      options: RoomOptionsView;
      hostTime: number;
    }
  | { type: 'PONG'; t0: number; t1: number; t2: number }
  | ({ type: 'PLAY' | 'PAUSE' | 'SEEK' } & Timeline)
  | ({ type: 'LOAD' } & Timeline)
  | { type: 'USERS'; users: RoomUser[] }
  | { type: 'PLAYLIST'; playlist: PlaylistEntry[]; status: Timeline }
  | { type: 'ERROR'; message: string }
  | { type: 'CLOSED'; reason: string };

/** Listener → host. */
export type ClientMessage =
  | { type: 'JOIN'; name: string }
  | { type: 'PING'; t0: number }
  | {
      type: 'SYNC';
      position: number;
      buffered: number;
      clientTime: number;
      state: 'playing' | 'paused' | 'buffering';
      offset: number;
      rtt: number;
      errorMs: number;
    }
  | { type: 'READY'; index: number; duration: number }
  | { type: 'CONTROL'; action: 'play' | 'pause' | 'skip' }
  | { type: 'CONTROL'; action: 'seek'; position: number };

/** Largest frame a listener may send (bytes); the biggest real one is about 200. */
export const MAX_FRAME_BYTES = 1024;
const NAME_MAX = 40;

type Obj = Record<string, unknown>;

const num = (o: Obj, k: string, min: number, max: number): number | string => {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
    ? v
    : `${k} must be a number from ${min} to ${max}`;
};

/** A display name: control characters out, trimmed, 1–40 characters. */
export function cleanName(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const name = raw.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e]/g, '').trim();
  return name.length >= 1 && name.length <= NAME_MAX ? name : undefined;
}

/** Parses one frame from a listener: the message, or why it was refused. */
export function parseClientMessage(raw: string): ClientMessage | { error: string } {
  if (raw.length > MAX_FRAME_BYTES) return { error: 'frame too large' };
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return { error: 'not JSON' };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { error: 'not an object' };
  const m = o as Obj;
  const fields = (...n: (number | string)[]) => n.find((v) => typeof v === 'string');
  switch (m.type) {
    case 'JOIN': {
      const name = cleanName(m.name);
      return name ? { type: 'JOIN', name } : { error: `name must be 1 to ${NAME_MAX} characters` };
    }
    case 'PING': {
      const t0 = num(m, 't0', -1e15, 1e15);
      return typeof t0 === 'string' ? { error: t0 } : { type: 'PING', t0 };
    }
    case 'SYNC': {
      const vals = [
        num(m, 'position', 0, 1e6),
        num(m, 'buffered', 0, 1e6),
        num(m, 'clientTime', -1e15, 1e15),
        num(m, 'offset', -1e15, 1e15),
        num(m, 'rtt', 0, 1e6),
        num(m, 'errorMs', -1e9, 1e9),
      ];
      const bad = fields(...vals);
      if (bad !== undefined) return { error: bad as string };
      if (m.state !== 'playing' && m.state !== 'paused' && m.state !== 'buffering')
        return { error: 'state must be playing, paused or buffering' };
      const [position, buffered, clientTime, offset, rtt, errorMs] = vals as number[];
      return {
        type: 'SYNC',
        position: position!,
        buffered: buffered!,
        clientTime: clientTime!,
        state: m.state,
        offset: offset!,
        rtt: rtt!,
        errorMs: errorMs!,
      };
    }
    case 'READY': {
      const index = num(m, 'index', 0, 100_000);
      const duration = num(m, 'duration', 0, 1e6);
      const bad = fields(index, duration);
      if (bad !== undefined) return { error: bad as string };
      if (!Number.isInteger(index)) return { error: 'index must be an integer' };
      return { type: 'READY', index: index as number, duration: duration as number };
    }
    case 'CONTROL': {
      if (m.action === 'seek') {
        const position = num(m, 'position', 0, 1e6);
        return typeof position === 'string'
          ? { error: position }
          : { type: 'CONTROL', action: 'seek', position };
      }
      if (m.action === 'play' || m.action === 'pause' || m.action === 'skip')
        return { type: 'CONTROL', action: m.action };
      return { error: 'action must be play, pause, seek or skip' };
    }
    default:
      return { error: 'unknown message type' };
  }
}
