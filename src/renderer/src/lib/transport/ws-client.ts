/**
 * The remote-control transport: the contract's Api over one WebSocket to the headless daemon
 * (src/shared/remote-protocol.ts). Sends `hello` with the token first, then calls; delivers events
 * to listeners that survive reconnects; reconnects with backoff unless the token was refused.
 */
import type {
  Api,
  CommandArgs,
  CommandName,
  CommandResult,
  EventName,
  Events,
} from '../../../../shared/contract';
import {
  REMOTE_CLOSE_UNAUTHORIZED,
  REMOTE_COVER_PATH,
  REMOTE_WS_PATH,
  type RemoteClientMessage,
  type RemoteServerMessage,
} from '../../../../shared/remote-protocol';
import type { LinkState, Transport } from './types';

/** The part of the WebSocket API used here (browser WebSocket or the `ws` package in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  addEventListener(type: 'open', fn: () => void): void;
  addEventListener(type: 'message', fn: (e: { data: unknown }) => void): void;
  addEventListener(type: 'close', fn: (e: { code: number; reason?: string }) => void): void;
  addEventListener(type: 'error', fn: () => void): void;
}

export interface RemoteClientOptions {
  url: string;
  token: string;
  /** Socket factory; defaults to the browser's WebSocket. */
  connect?: (url: string) => SocketLike;
  /** First retry delay and cap, ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Calls fail after this long without an answer, ms. */
  callTimeoutMs?: number;
}

type Pending = {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};

/**
 * Said when the daemon refuses this page (4401): its links work once and leave a session cookie,
 * so the page needs a new link (the daemon prints one at start, and on SIGUSR2).
 */
export const REFUSED_MESSAGE =
  'This browser has no session with the daemon: its link was already used, or the daemon restarted. ' +
  'Open a new link: the daemon prints one as "Control window: http://…/session/…" when it starts, ' +
  'and kill -USR2 <daemon pid> prints another (each link works once).';

/** The remote-control URL for a page served by the daemon: ws(s)://host/remote. */
export function remoteUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${REMOTE_WS_PATH}`;
}

/** Delay before reconnect attempt `n` (0-based): doubling from base to max, with ±20 % jitter. */
export function reconnectDelay(n: number, base: number, max: number, rnd = Math.random): number {
  const d = Math.min(max, base * 2 ** Math.min(n, 20));
  return Math.round(d * (0.8 + 0.4 * rnd()));
}

/** An Api over the daemon's remote-control socket; call `start()` once, `close()` to stop for good. */
export class RemoteClient implements Api {
  #opts: Required<RemoteClientOptions>;
  #ws: SocketLike | undefined;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #queue: string[] = [];
  #listeners = new Map<EventName, Set<(p: never) => void>>();
  #linkListeners = new Set<(s: LinkState) => void>();
  #link: LinkState = { state: 'connecting' };
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #coverKey: string | undefined;

  constructor(opts: RemoteClientOptions) {
    this.#opts = {
      connect: (url) => new WebSocket(url) as unknown as SocketLike,
      baseDelayMs: 500,
      maxDelayMs: 15_000,
      callTimeoutMs: 60_000,
      ...opts,
    };
  }

  /** Current link state. */
  get link(): LinkState {
    return this.#link;
  }

  /**
   * The daemon's address of a track's cover, once a `ready` has handed out the cover key (an <img>
   * cannot say hello); undefined before that, or when the daemon serves no covers.
   */
  coverUrl(trackId: string): string | undefined {
    const key = this.#coverKey;
    return key && `${REMOTE_COVER_PATH}${encodeURIComponent(trackId)}?k=${encodeURIComponent(key)}`;
  }

  /** Be told about link changes; returns the unsubscribe function. */
  onLink(fn: (s: LinkState) => void): () => void {
    this.#linkListeners.add(fn);
    return () => this.#linkListeners.delete(fn);
  }

  /** Open the socket (and keep reopening it after drops). */
  start(): void {
    if (this.#closed || this.#ws) return;
    this.#setLink({ state: 'connecting' });
    const ws = this.#opts.connect(this.#opts.url);
    this.#ws = ws;
    ws.addEventListener('open', () => {
      // hello must be the first frame: the server closes with 4401 on anything else.
      ws.send(
        JSON.stringify({ t: 'hello', token: this.#opts.token } satisfies RemoteClientMessage),
      );
      for (const frame of this.#queue.splice(0)) ws.send(frame);
    });
    ws.addEventListener('message', (e) => this.#onMessage(e.data));
    ws.addEventListener('error', () => {});
    ws.addEventListener('close', (e) => this.#onClose(ws, e.code));
  }

  /** Stop for good: no reconnect; pending calls fail. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#ws?.close(1000);
    this.#failAll('The remote connection was closed.');
  }

  invoke<K extends CommandName>(name: K, ...args: CommandArgs<K>): Promise<CommandResult<K>> {
    if (this.#link.state === 'unauthorized') {
      return Promise.reject(new Error(this.#link.message ?? 'Not authorised.'));
    }
    const id = this.#nextId++;
    const frame = JSON.stringify({ t: 'call', id, name, args } satisfies RemoteClientMessage);
    return new Promise<CommandResult<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`The daemon did not answer "${name}" in time.`));
      }, this.#opts.callTimeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const ws = this.#ws;
      // Calls made while (re)connecting wait for the socket; they go out right after hello.
      if (ws && ws.readyState === 1) ws.send(frame);
      else this.#queue.push(frame);
    });
  }

  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }

  #onMessage(data: unknown): void {
    let msg: RemoteServerMessage;
    try {
      msg = JSON.parse(String(data)) as RemoteServerMessage;
    } catch {
      return; // not ours to interpret; the daemon only sends JSON
    }
    if (!msg || typeof msg !== 'object') return;
    if (msg.t === 'ready' && typeof msg.coverKey === 'string') this.#coverKey = msg.coverKey;
    if (this.#link.state !== 'ready') {
      this.#attempt = 0;
      this.#setLink({ state: 'ready' });
    }
    if (msg.t === 'result') {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(msg.error));
    } else if (msg.t === 'event') {
      for (const fn of this.#listeners.get(msg.name) ?? []) {
        try {
          (fn as (p: unknown) => void)(msg.payload);
        } catch (err) {
          console.error(`listener for ${msg.name} failed`, err);
        }
      }
    }
  }

  #onClose(ws: SocketLike, code: number): void {
    if (this.#ws !== ws) return;
    this.#ws = undefined;
    if (code === REMOTE_CLOSE_UNAUTHORIZED) {
      const message = REFUSED_MESSAGE;
      this.#closed = true;
      this.#setLink({ state: 'unauthorized', message });
      this.#failAll(message);
      return;
    }
    this.#failAll('Lost the connection to the daemon; the command may not have run.');
    if (this.#closed) return;
    const delay = reconnectDelay(this.#attempt++, this.#opts.baseDelayMs, this.#opts.maxDelayMs);
    this.#setLink({
      state: 'disconnected',
      retryAt: Date.now() + delay,
      message: 'Lost the connection to the tunecamp-share daemon. Reconnecting…',
    });
    this.#retry = setTimeout(() => this.start(), delay);
  }

  #failAll(message: string): void {
    this.#queue.length = 0;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(message));
    }
    this.#pending.clear();
  }

  #setLink(s: LinkState): void {
    this.#link = s;
    for (const fn of this.#linkListeners) fn(s);
  }
}

/** A transport over a started RemoteClient. */
export function remoteTransport(
  client: RemoteClient,
  origin = globalThis.location?.origin ?? '',
): Transport {
  return {
    kind: 'remote',
    api: {
      on: (name, listener) => client.on(name, listener),
      invoke: async (name, ...args) => {
        const answer = await client.invoke(name, ...args);
        // The peer proxy is on the daemon's loopback: this browser reaches it through the
        // control server (remote/peer-audio-route.ts).
        return (
          name === 'peerTrackUrl' ? viaControlServer(answer as string, origin) : answer
        ) as typeof answer;
      },
    },
    link: () => client.link,
    onLink: (fn) => client.onLink(fn),
    coverUrl: (id) => client.coverUrl(id),
  };
}

/**
 * The control server's address for a peer proxy URL: `http://127.0.0.1:P/<secret>/<dev>/<track>`
 * becomes `<origin>/peer-audio/<secret>/<dev>/<track>`; anything else is left as it is.
 */
export function viaControlServer(url: string, origin: string): string {
  const m = /^http:\/\/127\.0\.0\.1:\d+(\/[A-Za-z0-9_-]+\/[0-9a-f]+\/[0-9a-f]+)$/.exec(url);
  return m ? `${origin}/peer-audio${m[1]}` : url;
}
