/**
 * How a download reaches a peer. The downloader never opens sockets itself: it calls a fetch-like
 * function, so the transport can change (plain HTTP with a Bearer token today, mutual TLS with
 * pinned certificates once pairing exists) without touching the resume logic.
 */

/** A fetch-like call: the WHATWG `fetch` signature reduced to what the downloader uses. */
export type LanFetch = (
  url: string,
  init: { method?: 'GET' | 'HEAD'; headers: Record<string, string>; signal: AbortSignal },
) => Promise<Response>;

/**
 * Plain HTTP with this device's Bearer token (Cranpose compatibility mode). Redirects are errors:
 * a peer that points us elsewhere would receive our token there.
 */
export function bearerFetch(token: string | undefined, base: typeof fetch = fetch): LanFetch {
  return (url, init) =>
    base(url, {
      method: init.method ?? 'GET',
      signal: init.signal,
      redirect: 'error',
      headers: token ? { ...init.headers, Authorization: `Bearer ${token}` } : init.headers,
    });
}

/** A parsed `Content-Range: bytes A-B/T` (a satisfied range), or undefined when malformed. */
export function parseContentRange(
  value: string | null,
): { start: number; end: number; total: number } | undefined {
  const m = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/.exec(value ?? '');
  if (!m) return undefined;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return end >= start && end < total ? { start, end, total } : undefined;
}

/** The total of an unsatisfied range's `Content-Range: bytes *\/T`, or undefined. */
export function parseUnsatisfiedTotal(value: string | null): number | undefined {
  const m = /^bytes \*\/(\d{1,15})$/.exec(value ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * The wait before retry number `attempt` (1-based): 1 s doubling to at most 30 s, with up to 25 %
 * jitter so downloads cut by one server restart do not all come back in the same instant.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - 0.25 * random()));
}

/** A failure the downloader should not retry (refused token, unknown track, bad path). */
export class DownloadError extends Error {
  constructor(
    message: string,
    /** false: retrying cannot help. */
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** fetch's own failures (refused, reset, closed mid-body) are worth a retry; disk errors not. */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof TypeError) return true; // undici: "fetch failed", "terminated"
  const code = String((err as NodeJS.ErrnoException)?.code ?? '');
  return code.startsWith('UND_ERR') || NETWORK_CODES.has(code);
}

/** An error's message with its cause's code (fetch hides ECONNREFUSED there). */
export function describeError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return `${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
}
