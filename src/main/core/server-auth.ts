import type { ConnectResult } from '../../shared/contract';
import { explainNetError } from './net/net-errors';
import {
  ProxyConfigError,
  ProxyRefusedError,
  ProxyUnreachableError,
  serverFetch,
} from './net/proxy';

type Problem = NonNullable<ConnectResult['problem']>;

/** Result of exchanging a username and password for a token. */
export type LoginResult = { ok: true; token: string } | { ok: false; problem: Problem };

/**
 * Calls TuneCamp's `POST /api/auth/login` and returns the token it answers with. Every failure
 * becomes a problem the user can act on; the password is never echoed.
 */
export async function loginWithPassword(
  server: string,
  username: string,
  password: string,
  fetchImpl: typeof fetch = serverFetch,
  timeoutMs = 15_000,
): Promise<LoginResult> {
  let res: Response;
  try {
    res = await fetchImpl(`${server}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    return { ok: false, problem: { code: 'unreachable', message: await unreachable(err, server) } };
  }
  if (res.status === 401 || res.status === 400) {
    return {
      ok: false,
      problem: { code: 'unauthorized', status: res.status, message: 'Wrong username or password.' },
    };
  }
  if (res.status === 404 || res.status === 405) {
    return {
      ok: false,
      problem: {
        code: 'not-tunecamp',
        status: res.status,
        message: `${server} does not offer a TuneCamp login. Check the address, or paste a token instead.`,
      },
    };
  }
  if (!res.ok) {
    return {
      ok: false,
      problem: {
        code: 'server-error',
        status: res.status,
        message: `The server answered ${res.status} to the login. Try again later.`,
      },
    };
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  const token = body && (body.token ?? body.accessToken);
  if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
    return {
      ok: false,
      problem: {
        code: 'not-tunecamp',
        message: `${server} answered the login without a token: it does not look like a TuneCamp server.`,
      },
    };
  }
  return { ok: true, token };
}

/** Why `server` could not be reached: the proxy, DNS, the certificate, or the socket's own words. */
async function unreachable(err: unknown, server: string): Promise<string> {
  const proxied =
    err instanceof ProxyRefusedError ||
    err instanceof ProxyUnreachableError ||
    err instanceof ProxyConfigError;
  if (proxied) return (err as Error).message;
  const named = await explainNetError(err, server);
  if (named) return named;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err as Error).message;
  return `Could not reach ${server} (${detail}). Check the address and your network.`;
}

/** The `username` claim of a JWT, read without verifying it (for display only). */
export function usernameFromToken(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (payload && typeof payload === 'object') {
      const p = payload as Record<string, unknown>;
      const name = p.username ?? p.name ?? p.sub;
      return typeof name === 'string' && name.length <= 200 ? name : undefined;
    }
  } catch {
    // not a JWT (e.g. a tc_ API token): no name to show
  }
  return undefined;
}

/**
 * The server's list of peer sessions (`GET /api/peers`, Bearer token): a bare array or
 * `{ peers: [...] }`. Undefined on any failure; the entries are unchecked server data.
 */
export async function readPeerSessions(
  server: string,
  token: string,
  fetchImpl: typeof fetch = serverFetch,
): Promise<unknown[] | undefined> {
  try {
    const res = await fetchImpl(`${server}/api/peers`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as unknown;
    const list = Array.isArray(body) ? body : (body as { peers?: unknown } | null)?.peers;
    return Array.isArray(list) ? list : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The account name the server shows for our session (`GET /api/peers`), for the "as maria" line
 * when the token itself does not carry one. Undefined on any failure.
 */
export async function lookupSessionUsername(
  server: string,
  token: string,
  sessionId: string,
  fetchImpl: typeof fetch = serverFetch,
): Promise<string | undefined> {
  const list = await readPeerSessions(server, token, fetchImpl);
  const mine = list?.find((p) => (p as { id?: unknown } | null)?.id === sessionId) as
    { username?: unknown } | undefined;
  const name = mine?.username;
  return typeof name === 'string' && name.length > 0 && name.length <= 200 ? name : undefined;
}
