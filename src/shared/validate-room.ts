/**
 * Validators of the listening room commands (open, link, control, close). Kept apart from
 * validate.ts, which lends them its checking helpers.
 */
import type { CommandArgs, RoomControl, RoomOptionsInfo } from './contract';
import type { CheckHelpers } from './validate-peer';

/** The commands checked here. */
export type RoomCommand = 'openRoom' | 'getRoom' | 'createRoomLink' | 'controlRoom' | 'closeRoom';

/** The most tracks one room's queue may hold. */
export const MAX_ROOM_TRACKS = 1000;

type Helpers = CheckHelpers & {
  num(v: unknown, what: string, min: number, max: number, integer: boolean): number;
};

/** Builds the validators of the room commands on top of validate.ts's helpers. */
export function roomValidators(h: Helpers): {
  [K in RoomCommand]: (args: unknown[]) => CommandArgs<K>;
} {
  const trackId = (v: unknown, what: string): string => {
    const id = h.str(v, what, 32);
    if (!/^[0-9a-f]{32}$/.test(id)) h.fail(`${what} must be a track id (32 hex characters)`);
    return id;
  };
  const index = (v: unknown, what: string) => h.num(v, what, 0, MAX_ROOM_TRACKS - 1, true);
  return {
    openRoom: (a) => {
      h.arity(a, 1);
      const o = h.record(a[0], 'room', ['tracks', 'options']);
      const tracks = h.list(o.tracks, 'tracks', MAX_ROOM_TRACKS, trackId);
      if (tracks.length === 0) h.fail('a room needs at least one track');
      if (o.options === undefined) return [{ tracks }];
      const keys = ['listenersControl', 'pauseForBuffering', 'rateNudge'] as const;
      const r = h.record(o.options, 'room options', keys);
      const options: Partial<RoomOptionsInfo> = {};
      for (const k of keys) if (r[k] !== undefined) options[k] = h.bool(r[k], k);
      return [{ tracks, options }];
    },
    getRoom: (a) => (h.arity(a, 0), []),
    createRoomLink: (a) => (h.arity(a, 0), []),
    closeRoom: (a) => (h.arity(a, 0), []),
    controlRoom: (a) => {
      h.arity(a, 1);
      const o = h.record(a[0], 'room control', ['action', 'position', 'index', 'from', 'to']);
      const action = o.action;
      let c: RoomControl;
      if (action === 'play' || action === 'pause' || action === 'skip') c = { action };
      else if (action === 'seek')
        c = { action, position: h.num(o.position, 'position', 0, 1e6, false) };
      else if (action === 'select') c = { action, index: index(o.index, 'index') };
      else if (action === 'reorder')
        c = { action, from: index(o.from, 'from'), to: index(o.to, 'to') };
      else return h.fail('action must be play, pause, skip, seek, select or reorder');
      return [c];
    },
  };
}
