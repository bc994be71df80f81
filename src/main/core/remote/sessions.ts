/**
 * The control window's one-time links and the sessions they open. A link carries a one-time code
 * (`/session/CODE`); the first request for it exchanges the code for a session cookie (HttpOnly,
 * SameSite=Strict) and the code is dead after that, so a link copied from a terminal, a shell
 * history or a screenshot opens nothing. A new link is made on demand (the daemon: SIGUSR2).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'tcs_session';
/** Path of a one-time link: `/session/<code>`. */
export const SESSION_PATH = '/session/';
/** Sessions kept at most; the oldest go first (each page load that follows a link adds one). */
const MAX_SESSIONS = 64;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time string comparison (hashing first hides the length, too). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

const random = () => randomBytes(32).toString('base64url');

/** One-time codes and the sessions they were exchanged for (in memory: a restart signs out). */
export class RemoteSessions {
  private code: string | null;
  private readonly sessions = new Set<string>();

  /** `code`: the first one-time code (random when absent). */
  constructor(code?: string) {
    this.code = code ?? random();
  }

  /** The live one-time code, or null once it has been used. */
  get current(): string | null {
    return this.code;
  }

  /** Makes a new one-time code; an unused older one stops working. */
  newCode(): string {
    this.code = random();
    return this.code;
  }

  /** Uses the code up: a new session id when it is the live code, else null. */
  redeem(code: string): string | null {
    if (this.code === null || !tokensEqual(code, this.code)) return null;
    this.code = null;
    const session = random();
    this.sessions.add(session);
    if (this.sessions.size > MAX_SESSIONS) {
      this.sessions.delete(this.sessions.values().next().value as string);
    }
    return session;
  }

  /** True when a `Cookie` header carries a live session. */
  hasSession(cookieHeader: string | undefined): boolean {
    const value = cookieValue(cookieHeader, SESSION_COOKIE);
    if (!value) return false;
    for (const s of this.sessions) if (tokensEqual(value, s)) return true;
    return false;
  }
}

/** The `Set-Cookie` value for a session: invisible to scripts, never sent by other sites. */
export function sessionCookie(session: string): string {
  return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
