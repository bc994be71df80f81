/**
 * The engine's listening room: at most one open room at a time, on the LAN server's RoomHost.
 * Turns the host's commands into Room calls, mints join links on the LAN server's addresses, and
 * tells the window about changes (at most four times a second: 30 listeners SYNC every 2 s).
 */
import { EventEmitter } from 'node:events';
import type {
  RoomControl,
  RoomInfo,
  RoomOpened,
  RoomOptionsInfo,
} from '../../../../shared/contract';
import type { Room, RoomTrack } from './room';
import type { RoomHost } from './room-host';

/** Where the LAN server is: its port (undefined when off) and the addresses to put in links. */
export interface RoomEndpoint {
  port: number | undefined;
  addresses: string[];
}

/** The one open room of an engine. */
export class RoomService extends EventEmitter<{ room: [RoomInfo | null] }> {
  private room: Room | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: () => RoomHost | null,
    private readonly endpoint: () => RoomEndpoint,
    private readonly resolve: (id: string) => RoomTrack | undefined,
  ) {
    super();
  }

  /** Opens a room on `tracks` (closing the one open); throws with what to do when it cannot. */
  open(tracks: string[], options: Partial<RoomOptionsInfo> = {}): RoomOpened {
    const host = this.host();
    if (!host || this.endpoint().port === undefined)
      throw new Error('Turn on LAN sharing first: listening rooms are served by the LAN server.');
    const queue: RoomTrack[] = [];
    for (const id of tracks) {
      const t = this.resolve(id);
      if (!t) throw new Error(`Track ${id} is not shared (or its folder is offline).`);
      queue.push(t);
    }
    this.room?.close('The host opened another room');
    const room = host.open(queue, options);
    this.room = room;
    room.on('change', () => this.changed(room));
    room.once('closed', () => {
      if (this.room === room) this.room = null;
      this.changed(room);
    });
    this.emit('room', this.info());
    return { room: this.info()!, links: this.links() };
  }

  /** The open room as the window shows it, or null. */
  info(): RoomInfo | null {
    const r = this.room;
    if (!r || r.closed) return null;
    const s = r.state();
    return { ...s, hostNow: r.now(), dataSaver: this.host()?.dataSaverNote ?? '' };
  }

  /** Fresh join links: one new one-time code, one link per address. */
  links(): string[] {
    const r = this.require();
    const { port, addresses } = this.endpoint();
    if (port === undefined) throw new Error('LAN sharing is off: the room has closed.');
    const code = r.keys.createCode();
    return addresses.map((a) => {
      const host = a.includes(':') ? `[${a}]` : a;
      return `http://${host}:${port}/room/${r.id}#k=${code}`;
    });
  }

  /** Applies a host control. */
  control(c: RoomControl): RoomInfo {
    const r = this.require();
    const n = r.state().queue.length;
    const inQueue = (...i: number[]) => {
      if (i.some((x) => x >= n)) throw new Error(`The queue has ${n} tracks.`);
    };
    switch (c.action) {
      case 'play':
        r.play();
        break;
      case 'pause':
        r.pause();
        break;
      case 'skip':
        r.skip();
        break;
      case 'seek':
        r.seek(c.position);
        break;
      case 'select':
        inQueue(c.index);
        r.select(c.index, r.status.state === 'playing');
        break;
      case 'reorder':
        inQueue(c.from, c.to);
        r.reorder(c.from, c.to);
        break;
    }
    return this.info()!;
  }

  /** Closes the open room (nothing when none). */
  close(): void {
    this.room?.close();
  }

  private require(): Room {
    if (!this.room || this.room.closed) throw new Error('No room is open.');
    return this.room;
  }

  private changed(room: Room): void {
    if (room !== this.room && this.room !== null) return;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.emit('room', this.info());
    }, 250);
    this.timer.unref();
  }
}
