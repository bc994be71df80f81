import { describe, it, expect } from 'vitest';
import {
  DEFAULT_BACKOFF,
  nextDelay,
  retryDecision,
  slowDelay,
} from '../../../src/main/core/tunnel/backoff';

const fixed = (n: number) => () => n;

describe('nextDelay', () => {
  it('grows exponentially up to the cap', () => {
    const opts = { baseMs: 1000, capMs: 60_000, random: fixed(0.999999) };
    const delays = [0, 1, 2, 3, 4, 5, 6, 7, 20, 1000].map((a) => nextDelay(a, opts));
    expect(delays.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(delays.slice(6).every((d) => d === 60_000)).toBe(true);
  });

  it('jitters over the whole window, never below a quarter of the base', () => {
    const low = nextDelay(5, { baseMs: 1000, capMs: 60_000, random: fixed(0) });
    const mid = nextDelay(5, { baseMs: 1000, capMs: 60_000, random: fixed(0.5) });
    expect(low).toBe(250);
    expect(mid).toBeGreaterThan(15_000);
    expect(mid).toBeLessThan(17_000);
  });

  it('stays bounded with a broken random source or odd attempts', () => {
    for (const r of [NaN, -5, 7, Infinity]) {
      const d = nextDelay(-3.5, { baseMs: 1000, capMs: 60_000, random: fixed(r) });
      expect(d).toBeGreaterThanOrEqual(250);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });

  it('spreads real random delays (jitter is not constant)', () => {
    const seen = new Set(Array.from({ length: 50 }, () => nextDelay(6, DEFAULT_BACKOFF)));
    expect(seen.size).toBeGreaterThan(10);
    for (const d of seen) expect(d).toBeLessThanOrEqual(60_000);
  });
});

describe('retryDecision', () => {
  const opts = { ...DEFAULT_BACKOFF, random: fixed(0.5) };

  it('never retries 401 or 403', () => {
    expect(retryDecision({ kind: 'http', status: 401 }, 0, opts)).toEqual({ retry: false });
    expect(retryDecision({ kind: 'http', status: 403 }, 7, opts)).toEqual({ retry: false });
  });

  it('retries 503, 404, non-upgrade answers and conflicts slowly (2–5 minutes)', () => {
    for (const f of [
      { kind: 'http', status: 503 },
      { kind: 'http', status: 404 },
      { kind: 'http', status: 200 },
      { kind: 'not-tunecamp' },
      { kind: 'conflict' },
    ] as const) {
      const d = retryDecision(f, 0, opts);
      expect(d.retry).toBe(true);
      if (d.retry) expect(d.delayMs).toBeGreaterThanOrEqual(120_000);
      if (d.retry) expect(d.delayMs).toBeLessThanOrEqual(300_000);
    }
    expect(slowDelay({ ...opts, random: fixed(0) })).toBe(120_000);
    expect(slowDelay({ ...opts, random: fixed(1) })).toBe(300_000);
  });

  it('backs off exponentially for network errors and 5xx', () => {
    const a = retryDecision({ kind: 'network' }, 0, opts);
    const b = retryDecision({ kind: 'http', status: 500 }, 4, opts);
    expect(a.retry && a.delayMs).toBeLessThanOrEqual(1000);
    expect(b.retry && b.delayMs).toBeGreaterThan(5000);
    expect(b.retry && b.delayMs).toBeLessThanOrEqual(16_000);
  });
});
