/**
 * What the engine reads from the server's HTTP side beside the tunnel (PROTOCOL.md section 6):
 * the global download switch (`GET /api/peers/status`, after each new session), and, while backing
 * off from another sharer on the same account, that sharer's session (`GET /api/peers`), so the
 * account comes back within seconds once the other one has gone instead of after minutes.
 */
import { serverFetch } from './net/proxy';
import { readPeerSessions } from './server-auth';

/** The server's two global switches, as `GET /api/peers/status` reports them. */
export interface PeerStatus {
  enabled: boolean;
  allowDownloads: boolean;
}

/**
 * Reads `GET /api/peers/status` (no authentication). Undefined when the server does not answer it
 * with the expected shape (older servers): nothing is assumed then.
 */
export async function fetchPeerStatus(
  server: string,
  fetchImpl: typeof fetch = serverFetch,
): Promise<PeerStatus | undefined> {
  try {
    const res = await fetchImpl(`${server}/api/peers/status`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as Record<string, unknown> | null;
    if (typeof body?.enabled !== 'boolean' || typeof body.allowDownloads !== 'boolean')
      return undefined;
    return { enabled: body.enabled, allowDownloads: body.allowDownloads };
  } catch {
    return undefined;
  }
}

/**
 * The sessions of `username` the server lists (`GET /api/peers`, Bearer token), or undefined when
 * the list cannot be read.
 */
export async function sessionsOf(
  server: string,
  token: string,
  username: string,
  fetchImpl: typeof fetch = serverFetch,
): Promise<number | undefined> {
  const list = await readPeerSessions(server, token, fetchImpl);
  return list?.filter((p) => (p as { username?: unknown } | null)?.username === username).length;
}

/** What a ConflictWatch needs. */
export interface ConflictWatchOptions {
  server: string;
  token: string;
  username: string;
  /** Poll interval (default 3 s). */
  pollMs?: number;
  /** Called once the other sharer's session has gone. */
  onGone: () => void;
  fetchImpl?: typeof fetch;
}

/**
 * Watches the account's sessions while the tunnel backs off from another sharer: once a session
 * of the account has been seen and then none is left, the other sharer has quit and `onGone` is
 * called (once). Having seen one first keeps two sharers that back off together from both
 * rushing back into the same fight.
 */
export class ConflictWatch {
  private timer: NodeJS.Timeout | null = null;
  private seen = false;
  private busy = false;

  constructor(private readonly opts: ConflictWatchOptions) {}

  /** Starts polling. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? 3_000);
    this.timer.unref();
    void this.poll();
  }

  /** Stops polling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    if (this.busy || !this.timer) return;
    this.busy = true;
    const o = this.opts;
    const n = await sessionsOf(o.server, o.token, o.username, o.fetchImpl);
    this.busy = false;
    if (n === undefined || !this.timer) return;
    if (n > 0) this.seen = true;
    else if (this.seen) {
      this.stop();
      o.onGone();
    }
  }
}
