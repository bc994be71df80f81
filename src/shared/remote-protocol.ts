/**
 * The remote-control transport: the same contract as the preload, carried over one WebSocket
 * between the renderer (served by the headless daemon) and the engine.
 *
 * Flow: the daemon prints a one-time link, `http://127.0.0.1:PORT/session/CODE`. Opening it
 * exchanges the code for a session cookie (HttpOnly, SameSite=Strict) and redirects to `/`; the
 * link is dead after that. The page opens `ws://HOST/remote` (the browser sends the cookie) and
 * sends `hello` first; a client without the cookie may put the unused code in its `hello`
 * instead, once. Anything else before a good `hello` closes the socket with 4401.
 */
import type { CommandName, EventName, Events } from './contract';

/** Path of the remote-control WebSocket on the daemon's UI port. */
export const REMOTE_WS_PATH = '/remote';

/**
 * Path of cover thumbnails on the daemon's UI port: `/covers/<trackId>?k=<coverKey>`. An <img>
 * cannot say hello, so it carries `coverKey` (from `ready`), which opens covers and nothing else.
 */
export const REMOTE_COVER_PATH = '/covers/';

/** Close code for a missing or wrong remote-control token. */
export const REMOTE_CLOSE_UNAUTHORIZED = 4401;

export type RemoteClientMessage =
  { t: 'hello'; token: string } | { t: 'call'; id: number; name: CommandName; args: unknown[] };

export type RemoteServerMessage =
  | { t: 'ready'; coverKey?: string }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: string }
  | { [E in EventName]: { t: 'event'; name: E; payload: Events[E] } }[EventName];
