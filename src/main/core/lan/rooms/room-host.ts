/**
 * The rooms of one LAN server: `/room/<id>…` requests and WebSocket upgrades, after the LAN
 * server's Host check and before its token check (a browser on the LAN has no device token; it
 * has a join code, then a room cookie). Routes:
 *
 * - `GET /room/<id>`, `/listener.js`, `/room.css`: the page (strict CSP, no inline script);
 * - `POST /room/<id>/join` `{"code"}`: spends a one-time code, sets the room cookie;
 * - `GET|HEAD /room/<id>/track/<track>`: the audio of that room's queue only, with the cookie;
 * - `GET|HEAD /room/<id>/hls/<track>/<file>`: its data-saver rendition (hls-routes.ts), likewise;
 * - `GET /room/<id>/ws` (upgrade): the room protocol, with the cookie, from the same origin.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { sendText, serveTrack } from '../serve-track';
import { DEFAULT_FLOOD, FloodGate, type FloodLimits } from './flood';
import { dataSaverNote, HLS_PATH, serveHls, type DataSaver } from './hls-routes';
import { PAGE_CSP, PAGE_CSS, pageHtml } from './page-html';
import { MAX_FRAME_BYTES, parseClientMessage, type ServerMessage } from './protocol';
import { Room, type RoomOptions, type RoomTrack } from './room';
import { roomCookie, setCookieHeader } from './room-keys';
import type { HlsCache } from './hls-cache';

/** What the rooms need from their server. */
export interface RoomHostOptions {
  /** The listener page's script (built from src/room-page/, see page-script.ts). */
  pageScript: () => Promise<string>;
  maxRangeBytes: number;
  chunkSize: number;
  onStale?: (id: string) => void;
  flood?: FloodLimits;
  /** Refused frames before a connection is closed (default 50). */
  maxRefused?: number;
  /** The data saver's renditions (an ffmpeg was found), or why there are none. */
  dataSaver?: DataSaver;
}

const ROOM_PATH = new RegExp(
  String.raw`^\/room\/([A-Za-z0-9_-]{22})(?:\/(listener\.js|room\.css|join|ws|track\/([0-9a-f]{32})|${HLS_PATH}))?$`,
);
const DEFAULT_OPTIONS: RoomOptions = {
  listenersControl: false,
  pauseForBuffering: false,
  rateNudge: false,
  dataSaver: false,
};

/** The open rooms and their HTTP/WebSocket face. */
export class RoomHost extends EventEmitter<{ change: [Room] }> {
  private readonly rooms = new Map<string, Room>();
  /** Audio responses per room, so closing a room ends its audio at once. */
  private readonly audio = new Map<string, Set<ServerResponse>>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  /** The renditions (when there is an ffmpeg), and what the window says about them. */
  readonly hls: HlsCache | undefined;
  readonly dataSaverNote: string;

  constructor(private readonly opts: RoomHostOptions) {
    super();
    const saver = opts.dataSaver;
    this.hls = saver && 'cache' in saver ? saver.cache : undefined;
    this.dataSaverNote = dataSaverNote(saver);
  }

  /** Opens a room on `queue` (at least one track). */
  open(queue: RoomTrack[], options: Partial<RoomOptions> = {}, now?: () => number): Room {
    if (queue.length === 0) throw new Error('A room needs at least one track.');
    const id = randomBytes(16).toString('base64url');
    const room = new Room(
      id,
      queue.map((t) => ({ ...t })),
      { ...DEFAULT_OPTIONS, ...options, dataSaver: this.hls !== undefined },
      now,
    );
    this.rooms.set(id, room);
    room.on('change', () => this.emit('change', room));
    room.once('closed', () => {
      this.rooms.delete(id);
      for (const res of this.audio.get(id) ?? []) res.destroy();
      this.audio.delete(id);
    });
    return room;
  }

  /** The open room `id`. */
  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  /** Every open room. */
  list(): Room[] {
    return [...this.rooms.values()];
  }

  /** Closes every room (the LAN server is stopping). */
  closeAll(reason: string): void {
    for (const room of [...this.rooms.values()]) room.close(reason);
  }

  /** Answers a `/room/…` request; false when the path is not a room's (the server goes on). */
  request(req: IncomingMessage, res: ServerResponse): boolean {
    const pathname = (req.url ?? '').split('?', 1)[0] as string;
    if (!pathname.startsWith('/room/')) return false;
    const m = ROOM_PATH.exec(pathname);
    const room = m ? this.rooms.get(m[1]!) : undefined;
    if (!m || !room) {
      sendText(res, 404, 'No such room (it may have closed)');
      return true;
    }
    const what = m[2];
    const method = req.method ?? '';
    const allowed = what === 'join' ? ['POST'] : what === 'ws' ? [] : ['GET', 'HEAD'];
    if (!allowed.includes(method)) {
      if (allowed.length) res.setHeader('Allow', allowed.join(', '));
      sendText(
        res,
        what === 'ws' ? 426 : 405,
        what === 'ws' ? 'WebSocket only' : 'Method not allowed',
      );
      return true;
    }
    if (what === undefined) void this.sendStatic(res, 'text/html', pageHtml(room.id));
    else if (what === 'room.css') void this.sendStatic(res, 'text/css', PAGE_CSS);
    else if (what === 'listener.js')
      void this.opts.pageScript().then(
        (js) => this.sendStatic(res, 'text/javascript', js),
        (err: Error) => sendText(res, 500, `The listener page is missing: ${err.message}`),
      );
    else if (what === 'join') this.join(room, req, res);
    else if (m[4]) this.rendition(room, m, req, res);
    else this.track(room, m[3]!, req, res);
    return true;
  }

  /** Takes a `/room/<id>/ws` upgrade; false when the path is not a room's. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const pathname = (req.url ?? '').split('?', 1)[0] as string;
    if (!pathname.startsWith('/room/')) return false;
    const m = ROOM_PATH.exec(pathname);
    const room = m && m[2] === 'ws' ? this.rooms.get(m[1]!) : undefined;
    const listener = room?.keys.session(roomCookie(req.headers.cookie));
    // A page of another origin may open a socket to us with the browser's cookies: the Origin
    // must be this very host (the cookie's SameSite=Strict is the second lock).
    const sameOrigin = req.headers.origin === `http://${req.headers.host}`;
    if (!room || listener === undefined || !sameOrigin) {
      const status = !room ? '404 Not Found' : '403 Forbidden';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(room, listener, ws));
    return true;
  }

  private attach(room: Room, listener: string, ws: WebSocket): void {
    const gate = new FloodGate(this.opts.flood ?? DEFAULT_FLOOD, performance.now());
    let refused = 0;
    const handle = room.connect(listener, {
      send: (msg: ServerMessage) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
      },
      close: (reason) => ws.close(4000, reason.slice(0, 100)),
    });
    ws.on('message', (data, isBinary) => {
      const allowed = gate.allow(performance.now());
      const parsed = allowed && !isBinary ? parseClientMessage(data.toString()) : undefined;
      if (!parsed || 'error' in parsed) {
        // Dropped, per connection: the room and everyone else go on.
        if (++refused > (this.opts.maxRefused ?? 50)) ws.close(1008, 'Too many bad messages');
        else if (parsed && ws.readyState === ws.OPEN)
          ws.send(JSON.stringify({ type: 'ERROR', message: parsed.error }));
        return;
      }
      handle.receive(parsed);
    });
    ws.on('close', () => handle.detach());
    ws.on('error', () => ws.terminate());
  }

  private join(room: Room, req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    let tooBig = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 512) {
        tooBig = true;
        req.destroy();
      }
    });
    req.on('end', () => {
      if (tooBig) return;
      let code: unknown;
      try {
        code = (JSON.parse(body) as { code?: unknown }).code;
      } catch {
        return sendText(res, 400, 'Send {"code": "…"} from the join link');
      }
      const spent = room.keys.redeem(code);
      if (!spent)
        return sendText(
          res,
          403,
          'This join link was already used or has expired: ask the host for a new one',
        );
      res.setHeader('Set-Cookie', setCookieHeader(room.id, spent.secret));
      res.setHeader('Cache-Control', 'no-store');
      sendText(res, 200, spent.listener);
    });
  }

  /** The queued track `id` for this request's cookie, its response tracked; else a 403 sent. */
  private audioFor(room: Room, id: string, req: IncomingMessage, res: ServerResponse) {
    const track = room.trackFor(roomCookie(req.headers.cookie), id);
    // One answer for "no cookie" and "not in this queue": the cookie reads nothing else.
    if (!track) return void sendText(res, 403, 'Not in this room');
    let set = this.audio.get(room.id);
    if (!set) this.audio.set(room.id, (set = new Set()));
    set.add(res);
    res.once('close', () => set.delete(res));
    return track;
  }

  /** A data-saver file: `m` is the path's match (track id and file name last). */
  private rendition(room: Room, m: string[], req: IncomingMessage, res: ServerResponse) {
    const cache = this.hls;
    if (!cache) return sendText(res, 404, 'No data saver here (the host has no ffmpeg)');
    const track = this.audioFor(room, m[4]!, req, res);
    if (track) serveHls(req, res, track, m[5]!, cache, this.opts).catch(() => res.destroy());
  }

  private track(room: Room, id: string, req: IncomingMessage, res: ServerResponse): void {
    const track = this.audioFor(room, id, req, res);
    if (!track) return;
    serveTrack(req, res, track, {
      maxRangeBytes: this.opts.maxRangeBytes,
      chunkSize: this.opts.chunkSize,
      onStale: (staleId) => this.opts.onStale?.(staleId),
    }).catch(() => res.destroy());
  }

  private async sendStatic(res: ServerResponse, type: string, body: string): Promise<void> {
    res.statusCode = 200;
    res.setHeader('Content-Type', `${type}; charset=utf-8`);
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }
}
