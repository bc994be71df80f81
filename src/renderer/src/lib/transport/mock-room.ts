/**
 * The mock engine's listening room: opens on the mock's tracks while LAN sharing is on, with two
 * listeners, follows the controls, and mints a new join link each time, so the contract's room
 * commands type-check and a future Rooms view can be tried without a network.
 */
import type { RoomControl, RoomInfo, RoomOptionsInfo } from '../../../../shared/contract';

/** A stateful mock of the room commands; `changed` gets each new state (null: closed). */
export function createMockRoom(
  lanOn: () => boolean,
  title: (id: string) => string | undefined,
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
        const t = title(id);
        if (t === undefined)
          throw new Error(`Track ${id} is not shared (or its folder is offline).`);
        return { id, title: t };
      });
      room = {
        id: 'mockRoom0000000000000',
        queue,
        status: { state: 'paused', index: 0, position: 0, atHostTime: 0 },
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
          'Data saver (an AAC HLS rendition for weak Wi-Fi) is not built yet: listeners get the original files.',
      };
      changed(room);
      return { room, links: link() };
    },
    getRoom: () => room,
    createRoomLink: () => (need(), link()),
    controlRoom: (c: RoomControl) => {
      const r = need();
      const s = r.status;
      if (c.action === 'play' || c.action === 'pause')
        r.status = { ...s, state: c.action === 'play' ? 'playing' : 'paused' };
      else if (c.action === 'seek') r.status = { ...s, position: c.position };
      else if (c.action === 'skip' || c.action === 'select') {
        const index = c.action === 'skip' ? s.index + 1 : c.index;
        if (index < r.queue.length) r.status = { ...s, index, position: 0 };
      } else {
        const [moved] = r.queue.splice(c.from, 1);
        if (moved) r.queue.splice(c.to, 0, moved);
      }
      changed(r);
      return r;
    },
    closeRoom: () => {
      room = null;
      changed(null);
    },
  };
}
