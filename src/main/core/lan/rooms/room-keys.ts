/**
 * A room's keys: one-time join codes (carried in the join link's fragment) and the session
 * secrets they are exchanged for (the room cookie). Codes and secrets are 256 random bits; only
 * the SHA-256 of a session secret is kept, and lookups compare hashes, so neither the map's
 * timing nor a memory dump gives a usable cookie.
 */
import { createHash, randomBytes } from 'node:crypto';

/** How long an unused join code stays good. */
export const JOIN_CODE_TTL_MS = 15 * 60_000;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

const hash = (s: string) => createHash('sha256').update(s).digest('base64url');

/** Join codes and sessions of one room; everything is forgotten when the room closes. */
export class RoomKeys {
  private readonly codes = new Map<string, number>();
  /** Session secret hash → listener id. */
  private readonly sessions = new Map<string, string>();
  private nextId = 1;

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh one-time code, good for `JOIN_CODE_TTL_MS`. */
  createCode(): string {
    const code = randomBytes(32).toString('base64url');
    this.codes.set(hash(code), this.now() + JOIN_CODE_TTL_MS);
    return code;
  }

  /**
   * Spends `code`: a new session secret (for the cookie) and the listener id it stands for, or
   * undefined for a code that is malformed, unknown, expired or already spent.
   */
  redeem(code: unknown): { secret: string; listener: string } | undefined {
    if (typeof code !== 'string' || !SECRET.test(code)) return undefined;
    const h = hash(code);
    const until = this.codes.get(h);
    this.codes.delete(h); // one use, even when expired
    if (until === undefined || until < this.now()) return undefined;
    const secret = randomBytes(32).toString('base64url');
    const listener = `L${this.nextId++}`;
    this.sessions.set(hash(secret), listener);
    return { secret, listener };
  }

  /** The listener a session secret belongs to, or undefined. */
  session(secret: string | undefined): string | undefined {
    if (secret === undefined || !SECRET.test(secret)) return undefined;
    return this.sessions.get(hash(secret));
  }

  /** Ends one listener's session (it was removed from the room). */
  revoke(listener: string): void {
    for (const [h, id] of this.sessions) if (id === listener) this.sessions.delete(h);
  }

  /** Forgets every code and session (the room closed). */
  clear(): void {
    this.codes.clear();
    this.sessions.clear();
  }

  /** Codes not yet spent (tests). */
  get openCodes(): number {
    return this.codes.size;
  }
}

/** The room cookie's value from a Cookie header (`tcr=<secret>`), or undefined. */
export function roomCookie(header: string | undefined): string | undefined {
  if (!header || header.length > 4096) return undefined;
  for (const part of header.split(';')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === ROOM_COOKIE) return v;
  }
  return undefined;
}

/** The cookie's name; its Path scopes it to one room. */
export const ROOM_COOKIE = 'tcr';

/**
 * The Set-Cookie header for a session: HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page can make the browser send it), Path=/room/<id> (no other room sees it). No
 * Max-Age: it ends with the browser session, and the server forgets it when the room closes.
 */
export function setCookieHeader(roomId: string, secret: string): string {
  return `${ROOM_COOKIE}=${secret}; Path=/room/${roomId}; HttpOnly; SameSite=Strict`;
}
