/**
 * One listening room: its queue, the timeline everyone follows, its listeners and options. The
 * host's commands and the listeners' messages both end here; the transport (room-server.ts)
 * only parses, rate-limits and forwards. Every timeline change is scheduled `leadTime` ahead on
 * the host's clock, so that every page acts at the same moment.
 */
import { EventEmitter } from 'node:events';
import { expectedPosition, leadTime, READY_WAIT_MS, type Timeline } from './policy';
import type { ClientMessage, PlaylistEntry, RoomUser, ServerMessage } from './protocol';
import { RoomKeys } from './room-keys';
import {
  playlistOf,
  type RoomConnection,
  type RoomOptions,
  type RoomState,
  type RoomTrack,
} from './room-types';

export type { RoomConnection, RoomOptions, RoomState, RoomTrack } from './room-types';

interface Member {
  conn: RoomConnection;
  user: RoomUser;
  joined: boolean;
  readyIndex: number;
}

/** A room; `close()` ends it for good. */
export class Room extends EventEmitter<{ change: []; timeline: [Timeline]; closed: [] }> {
  readonly keys: RoomKeys;
  private readonly members = new Map<string, Member>();
  private timeline: Timeline;
  private waitTimer: NodeJS.Timeout | null = null;
  private endTimer: NodeJS.Timeout | null = null;
  private waitingFor: string | null = null;
  closed = false;

  constructor(
    readonly id: string,
    private queue: RoomTrack[],
    readonly options: RoomOptions,
    /** The host clock, ms (monotonic). */
    readonly now: () => number = () => performance.now(),
  ) {
    super();
    this.keys = new RoomKeys();
    this.timeline = { state: 'paused', index: 0, position: 0, atHostTime: now() };
  }

  /** The current timeline (it may take effect in the future). */
  get status(): Timeline {
    return { ...this.timeline };
  }

  /** The window's view. */
  state(): RoomState {
    return {
      id: this.id,
      queue: this.playlist().map(({ url: _url, ...rest }) => rest),
      status: this.status,
      listeners: this.users(),
      options: { ...this.options },
    };
  }

  /** The queued track `id`, for a holder of session `secret`; undefined otherwise. */
  trackFor(secret: string | undefined, id: string): RoomTrack | undefined {
    if (this.closed || this.keys.session(secret) === undefined) return undefined;
    return this.queue.find((t) => t.id === id);
  }

  /** Attaches a connection for `listener`; returns the handler of its messages and its detach. */
  connect(
    listener: string,
    conn: RoomConnection,
  ): { receive: (m: ClientMessage) => void; detach: () => void } {
    const old = this.members.get(listener);
    // One connection per session: a second tab with the same cookie replaces the first.
    if (old) old.conn.close('Opened elsewhere');
    const user: RoomUser = {
      id: listener,
      name: listener,
      state: 'joining',
      offset: 0,
      rtt: 0,
      errorMs: 0,
    };
    const member: Member = { conn, user, joined: false, readyIndex: -1 };
    this.members.set(listener, member);
    return {
      receive: (m) => this.receive(member, m),
      detach: () => {
        if (this.members.get(listener) !== member) return;
        this.members.delete(listener);
        this.broadcastUsers();
        this.maybeStart();
      },
    };
  }

  /** Starts playing from where the timeline is. */
  play(): void {
    if (this.timeline.state === 'playing' || this.closed) return;
    const at = this.now() + this.lead();
    this.set('PLAY', { ...this.timeline, state: 'playing', atHostTime: at });
  }

  /** Pauses everyone at the same moment and position. */
  pause(): void {
    if (this.timeline.state === 'paused' || this.closed) return;
    const at = this.now() + this.lead();
    const position = expectedPosition(this.timeline, at, this.duration(this.timeline.index));
    this.set('PAUSE', { state: 'paused', index: this.timeline.index, position, atHostTime: at });
  }

  /** Moves everyone to `position` seconds, playing or not. */
  seek(position: number): void {
    if (this.closed || !Number.isFinite(position) || position < 0) return;
    const d = this.duration(this.timeline.index);
    const p = d !== undefined ? Math.min(position, d) : position;
    this.set('SEEK', { ...this.timeline, position: p, atHostTime: this.now() + this.lead() });
  }

  /** The next track (playing on if it was playing); at the end of the queue it pauses. */
  skip(): void {
    const next = this.timeline.index + 1;
    if (next < this.queue.length) this.select(next, this.timeline.state === 'playing');
    else this.pause();
  }

  /**
   * Loads track `index` everywhere, waits for every joined page to say it can play (at most
   * 3 s), then starts it if `autoplay`.
   */
  select(index: number, autoplay: boolean): void {
    if (this.closed || !Number.isInteger(index) || index < 0 || index >= this.queue.length) return;
    this.clearTimers();
    this.timeline = { state: 'paused', index, position: 0, atHostTime: this.now() };
    for (const m of this.members.values()) m.readyIndex = -1;
    this.broadcast({ type: 'LOAD', ...this.timeline });
    this.emit('timeline', this.status);
    this.emit('change');
    if (!autoplay) return;
    this.waitTimer = setTimeout(() => this.startLoaded(), READY_WAIT_MS);
    this.maybeStart();
  }

  /** Moves queue entry `from` to `to`; the playing track keeps playing. */
  reorder(from: number, to: number): void {
    const n = this.queue.length;
    if (![from, to].every((i) => Number.isInteger(i) && i >= 0 && i < n) || from === to) return;
    const playing = this.queue[this.timeline.index];
    const [moved] = this.queue.splice(from, 1);
    this.queue.splice(to, 0, moved!);
    this.timeline = { ...this.timeline, index: this.queue.indexOf(playing!) };
    this.broadcast({ type: 'PLAYLIST', playlist: this.playlist(), status: this.status });
    this.emit('change');
  }

  /** Ends the room: every connection closes, every code and cookie stops working. */
  close(reason = 'The host closed the room'): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.keys.clear();
    for (const m of this.members.values()) {
      m.conn.send({ type: 'CLOSED', reason });
      m.conn.close(reason);
    }
    this.members.clear();
    this.emit('closed');
    this.emit('change');
  }

  private receive(member: Member, m: ClientMessage): void {
    if (this.closed) return;
    if (m.type === 'PING') {
      const t = this.now();
      return member.conn.send({ type: 'PONG', t0: m.t0, t1: t, t2: this.now() });
    }
    if (m.type === 'JOIN') {
      member.user.name = m.name;
      member.joined = true;
      member.conn.send({
        type: 'HELLO',
        you: member.user.id,
        users: this.users(),
        status: this.status,
        playlist: this.playlist(),
        options: { ...this.options },
        hostTime: this.now(),
      });
      return this.broadcastUsers();
    }
    if (!member.joined) return member.conn.send({ type: 'ERROR', message: 'JOIN first' });
    if (m.type === 'SYNC') return this.onSync(member, m);
    if (m.type === 'READY') {
      if (m.index !== this.timeline.index) return;
      member.readyIndex = m.index;
      const t = this.queue[m.index];
      if (t && t.duration === undefined && m.duration > 0) {
        t.duration = m.duration;
        this.scheduleEnd();
      }
      if (member.user.state === 'joining') member.user.state = 'ready';
      return this.maybeStart();
    }
    if (!this.options.listenersControl)
      return member.conn.send({ type: 'ERROR', message: 'Only the host controls this room' });
    if (m.action === 'seek') this.seek(m.position);
    else if (m.action === 'play') this.play();
    else if (m.action === 'pause') this.pause();
    else this.skip();
  }

  private onSync(member: Member, m: Extract<ClientMessage, { type: 'SYNC' }>): void {
    const u = member.user;
    Object.assign(u, { offset: m.offset, rtt: m.rtt, errorMs: Math.abs(m.errorMs) });
    const stalled = m.state === 'buffering' && this.timeline.state === 'playing';
    u.state = stalled ? 'catching-up' : m.state === 'buffering' ? 'ready' : m.state;
    if (stalled && this.options.pauseForBuffering && this.waitingFor === null) {
      this.waitingFor = u.id;
      this.pause();
    } else if (this.waitingFor === u.id && m.state !== 'buffering') {
      this.waitingFor = null;
      this.play();
    }
    this.emit('change');
  }

  private set(kind: 'PLAY' | 'PAUSE' | 'SEEK', t: Timeline): void {
    this.timeline = t;
    this.broadcast({ type: kind, ...t });
    this.emit('timeline', this.status);
    this.emit('change');
    this.scheduleEnd();
  }

  /** Starts the loaded track once every joined page is ready (or the wait ran out). */
  private maybeStart(): void {
    if (!this.waitTimer) return;
    for (const m of this.members.values())
      if (m.joined && m.readyIndex !== this.timeline.index) return;
    this.startLoaded();
  }

  private startLoaded(): void {
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.play();
  }

  /** At the end of the playing track, the next one (or a pause at the end of the queue). */
  private scheduleEnd(): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = null;
    const t = this.timeline;
    const d = this.duration(t.index);
    if (t.state !== 'playing' || d === undefined) return;
    const ms = t.atHostTime + (d - t.position) * 1000 - this.now();
    this.endTimer = setTimeout(() => this.skip(), Math.max(0, ms));
  }

  private clearTimers(): void {
    if (this.waitTimer) clearTimeout(this.waitTimer);
    if (this.endTimer) clearTimeout(this.endTimer);
    this.waitTimer = this.endTimer = null;
  }

  private lead(): number {
    return leadTime([...this.members.values()].map((m) => m.user.rtt));
  }

  private duration(index: number): number | undefined {
    return this.queue[index]?.duration;
  }

  private playlist(): PlaylistEntry[] {
    return playlistOf(this.id, this.queue);
  }

  private users(): RoomUser[] {
    return [...this.members.values()].filter((m) => m.joined).map((m) => ({ ...m.user }));
  }

  private broadcastUsers(): void {
    this.broadcast({ type: 'USERS', users: this.users() });
    this.emit('change');
  }

  private broadcast(msg: ServerMessage): void {
    for (const m of this.members.values()) if (m.joined) m.conn.send(msg);
  }
}
