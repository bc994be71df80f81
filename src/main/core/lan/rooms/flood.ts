/**
 * A token bucket per connection: a listener may send a burst, then a steady trickle; anything
 * beyond is dropped (and a connection that keeps flooding is closed by the caller). Pure, with the
 * clock passed in.
 */

/** Bucket size and refill. */
export interface FloodLimits {
  /** Messages allowed at once. */
  burst: number;
  /** Messages refilled per second. */
  perSecond: number;
}

/** Defaults: a page sends a SYNC every 2 s and a few PINGs; 20 at once and 10/s is generous. */
export const DEFAULT_FLOOD: FloodLimits = { burst: 20, perSecond: 10 };

/** One connection's bucket. */
export class FloodGate {
  private tokens: number;
  private last: number;
  /** Messages refused so far. */
  dropped = 0;

  constructor(
    private readonly limits: FloodLimits,
    now: number,
  ) {
    this.tokens = limits.burst;
    this.last = now;
  }

  /** True if a message arriving at `now` (ms) may be handled. */
  allow(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.limits.burst, this.tokens + elapsed * this.limits.perSecond);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.dropped++;
    return false;
  }
}
