/**
 * The mock engine's listening room: opens on the mock's tracks while LAN sharing is on, with two
 * listeners, follows the controls, and mints a new join link each time, so the contract's room
 * commands type-check and a future Rooms view can be tried without a network.
 */
import type { RoomControl, RoomInfo, RoomOptionsInfo } from '../../../../shared/contract';

/** A stateful mock of the room commands; `changed` gets each new state (null: closed). */
export function createMockRoom(
  lanOn: () => boolean,
  track: (id: string) => { title: string; artist?: string; duration?: number } | undefined,
  changed: (r: RoomInfo | null) => void,
) {
  let room: RoomInfo | null = null;
  let made = 0;
  const link = () => [`http://192.0.2.10:47310/room/mockRoom0000000000000#k=mockCode${made++}`];
  const need = () => {
    if (!room) throw new Error('No room is open.');
    return room;
  };
  return {
    openRoom: ({ tracks, options }: { tracks: string[]; options?: Partial<RoomOptionsInfo> }) => {
      if (!lanOn())
        throw new Error('Turn on LAN sharing first: listening rooms are served by the LAN server.');
      const queue = tracks.map((id) => {
        const t = track(id);
        if (t === undefined)
          throw new Error(`Track ${id} is not shared (or its folder is offline).`);
        return { id, title: t.title, artist: t.artist, duration: t.duration };
      });
      room = {
        id: 'mockRoom0000000000000',
        queue,
        status: { state: 'paused', index: 0, position: 0, atHostTime: performance.now() },
        hostNow: performance.now(),
        listeners: [
          { id: 'L1', name: 'Ada', state: 'ready', offset: 3.2, rtt: 4.1, errorMs: 6 },
          { id: 'L2', name: 'Phone', state: 'ready', offset: -41.7, rtt: 18.5, errorMs: 12 },
        ],
        options: {
          listenersControl: false,
          pauseForBuffering: false,
          rateNudge: false,
          ...options,
        },
        dataSaver:
          'Data saver is available: listeners may pick an AAC rendition (96 kbit/s, HLS) made with ffmpeg on first use; pages on a connection that keeps running dry switch to it themselves.',
      };
      changed(structuredClone(room));
      return { room: structuredClone(room), links: link() };
    },
    getRoom: () => room && { ...structuredClone(room), hostNow: performance.now() },
    createRoomLink: () => (need(), link()),
    controlRoom: (c: RoomControl) => {
      const r = need();
      const s = r.status;
      const now = performance.now();
      // Where the timeline is now: the position it held, plus the time played since.
      const at = s.state === 'playing' ? s.position + (now - s.atHostTime) / 1000 : s.position;
      if (c.action === 'play' || c.action === 'pause')
        r.status = {
          ...s,
          state: c.action === 'play' ? 'playing' : 'paused',
          position: at,
          atHostTime: now,
        };
      else if (c.action === 'seek') r.status = { ...s, position: c.position, atHostTime: now };
      else if (c.action === 'skip' || c.action === 'select') {
        const index = c.action === 'skip' ? s.index + 1 : c.index;
        if (index < r.queue.length) r.status = { ...s, index, position: 0, atHostTime: now };
      } else {
        const [moved] = r.queue.splice(c.from, 1);
        if (moved) r.queue.splice(c.to, 0, moved);
      }
      r.hostNow = now;
      // Copies, as the engine sends: a view holding the last one sees each change as new.
      changed(structuredClone(r));
      return structuredClone(r);
    },
    closeRoom: () => {
      room = null;
      changed(null);
    },
  };
}
