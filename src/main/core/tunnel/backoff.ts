/**
 * Retry timing for the peer tunnel. Pure: the random source is passed in so tests are exact.
 * Policy (PROTOCOL.md section 1 and 5): 401/403 never retry, 503 and "not TuneCamp" retry slowly,
 * everything else backs off exponentially with full jitter, capped.
 */

/** Tunables of the exponential backoff. */
export interface BackoffOptions {
  /** First delay ceiling, ms. */
  baseMs: number;
  /** Largest delay for ordinary failures, ms. */
  capMs: number;
  /** Slow-retry window for 503 / not-TuneCamp / conflict, ms: a delay in [slowMinMs, slowMaxMs]. */
  slowMinMs: number;
  slowMaxMs: number;
  /** Source of randomness in [0, 1). */
  random: () => number;
}

/** Defaults used by the tunnel: 1 s base, 60 s cap, slow retries between 2 and 5 minutes. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 1_000,
  capMs: 60_000,
  slowMinMs: 120_000,
  slowMaxMs: 300_000,
  random: Math.random,
};

/**
 * Delay before retry number `attempt` (0 for the first retry): full jitter over
 * `min(capMs, baseMs * 2^attempt)`, never below a quarter of the base so a burst of failures
 * cannot turn into a tight loop.
 */
export function nextDelay(
  attempt: number,
  opts: Pick<BackoffOptions, 'baseMs' | 'capMs' | 'random'>,
): number {
  const exp = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** exp);
  const floor = Math.min(ceiling, opts.baseMs / 4);
  return Math.round(floor + clamp01(opts.random()) * (ceiling - floor));
}

/** A slow retry delay in [slowMinMs, slowMaxMs], jittered so many clients do not return together. */
export function slowDelay(
  opts: Pick<BackoffOptions, 'slowMinMs' | 'slowMaxMs' | 'random'>,
): number {
  return Math.round(opts.slowMinMs + clamp01(opts.random()) * (opts.slowMaxMs - opts.slowMinMs));
}

/** What to do after a failed or closed connection. */
export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

/** Failure classes the policy distinguishes. */
export type FailureKind =
  | { kind: 'http'; status: number }
  | { kind: 'not-tunecamp' }
  | { kind: 'conflict' }
  | { kind: 'network' };

/**
 * The retry policy: 401/403 stop (the user must act), 503, a non-TuneCamp answer (404, 2xx, 3xx) and session
 * conflicts retry slowly, anything else (network, timeouts, 5xx, drops) retries exponentially.
 */
export function retryDecision(
  failure: FailureKind,
  attempt: number,
  opts: BackoffOptions,
): RetryDecision {
  if (failure.kind === 'http' && (failure.status === 401 || failure.status === 403))
    return { retry: false };
  if (
    failure.kind === 'http' &&
    (failure.status === 503 || failure.status === 404 || failure.status < 400)
  ) {
    // 503: sharing is off; 404 or a plain 2xx/3xx page: not a TuneCamp peer endpoint. Minutes, not seconds.
    return { retry: true, delayMs: slowDelay(opts) };
  }
  if (failure.kind === 'not-tunecamp' || failure.kind === 'conflict') {
    return { retry: true, delayMs: slowDelay(opts) };
  }
  return { retry: true, delayMs: nextDelay(attempt, opts) };
}

/**
 * The first retry after a session that had been healthy (it outlived the conflict window) drops:
 * 20-120 ms, so a server restart or a network blip costs listeners well under a second, while the
 * jitter still spreads many clients out. Later retries fall back to `nextDelay`.
 */
export function quickRetryDelay(random: () => number): number {
  return Math.round(20 + clamp01(random()) * 100);
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0.5;
}
