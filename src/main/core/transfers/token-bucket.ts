/**
 * The upload cap as a token bucket over wire bytes. Tokens may go negative (a frame larger than the
 * bucket still goes out whole); the sender then waits until the debt is repaid. Pure arithmetic:
 * the scheduler owns the one timer, armed only while the cap actually holds sends back.
 */

/** Bucket state; `rate` 0 means unlimited. */
export interface TokenBucket {
  rate: number;
  tokens: number;
  at: number;
}

/** Burst allowance: a quarter second of the rate, so short bursts stay smooth but bounded. */
function capacity(rate: number): number {
  return rate / 4;
}

/** A full bucket for `rate` bytes/s at time `now`. */
export function createBucket(rate: number, now: number): TokenBucket {
  return { rate, tokens: capacity(rate), at: now };
}

/** Change the rate, keeping at most the new burst allowance. */
export function setBucketRate(b: TokenBucket, rate: number, now: number): void {
  refill(b, now);
  b.rate = rate;
  b.tokens = Math.min(b.tokens, capacity(rate));
}

/** Add the tokens earned since the last call. */
export function refill(b: TokenBucket, now: number): void {
  if (b.rate > 0 && now > b.at) {
    b.tokens = Math.min(capacity(b.rate), b.tokens + ((now - b.at) * b.rate) / 1000);
  }
  b.at = Math.max(b.at, now);
}

/** Milliseconds until a send may go out (0 = now). */
export function waitMs(b: TokenBucket, now: number): number {
  if (b.rate <= 0) return 0;
  refill(b, now);
  return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens * 1000) / b.rate);
}

/** Charge `bytes` that were just sent. */
export function spend(b: TokenBucket, bytes: number): void {
  if (b.rate > 0) b.tokens -= bytes;
}
