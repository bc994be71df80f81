/**
 * The clock estimator against fake clocks: a listener whose clock is offset and runs fast (skew),
 * and a network with random, one-sided queueing delay (jitter), as a phone on Wi-Fi has.
 */
import { describe, expect, it } from 'vitest';
import { ClockEstimator, measure, nextPingDelay } from '../../../../src/main/core/lan/rooms/clock';

/** A deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Simulates pings: the host's clock is true time; the listener's is `offset + true × (1 + skew)`.
 * Each way takes `base` ms plus, one time in three, up to `jitter` ms of queueing.
 */
function simulate(opts: {
  offset: number;
  skew: number;
  base: number;
  jitter: number;
  pings: number;
  seed: number;
}) {
  const r = rng(opts.seed);
  const local = (t: number) => opts.offset + t * (1 + opts.skew);
  const delay = () => opts.base + (r() < 1 / 3 ? r() * opts.jitter : r() * 0.2);
  const est = new ClockEstimator();
  let now = 1000;
  const errors: number[] = [];
  for (let i = 0; i < opts.pings; i++) {
    const t0 = local(now);
    const t1 = now + delay();
    const t2 = t1 + 0.05;
    now = t2 + delay();
    est.add({ t0, t1, t2, t3: local(now) });
    // Error of the estimate now: the host time it gives for this moment against the truth.
    errors.push(Math.abs(est.toHost(local(now)) - now));
    now += nextPingDelay(i);
  }
  return { est, errors };
}

describe('ClockEstimator', () => {
  it('measures offset and round trip of one exchange NTP-style', () => {
    // Listener is 5000 ms behind; 10 ms each way; host took 1 ms.
    expect(measure({ t0: 0, t1: 5010, t2: 5011, t3: 21 })).toEqual({ offset: 5000, rtt: 20 });
  });

  it('refuses exchanges that cannot be real', () => {
    const est = new ClockEstimator();
    expect(est.add({ t0: 10, t1: 5, t2: 6, t3: 9 })).toBe(false); // came back before it left
    expect(est.add({ t0: 0, t1: 8, t2: 5, t3: 20 })).toBe(false); // host answered before receiving
    expect(est.add({ t0: 0, t1: NaN, t2: 5, t3: 20 })).toBe(false);
    expect(est.add({ t0: 0, t1: 50, t2: 60, t3: 5 })).toBe(false); // host held it longer than the trip
    expect(est.ready).toBe(false);
    expect(est.offset).toBe(0);
  });

  it('keeps the sample with the shortest round trip among the last 8', () => {
    const est = new ClockEstimator();
    est.add({ t0: 0, t1: 1005, t2: 1005, t3: 10 }); // rtt 10, offset 1000
    for (let i = 1; i <= 7; i++)
      est.add({ t0: i * 100, t1: i * 100 + 1060, t2: i * 100 + 1060, t3: i * 100 + 80 });
    expect(est.rtt).toBe(10);
    expect(est.offset).toBe(1000);
    // The ninth sample pushes the best one out.
    est.add({ t0: 900, t1: 1950, t2: 1950, t3: 960 });
    expect(est.rtt).toBe(60);
  });

  it('stays within 2 ms of the host under 150 ms jitter and a 100 ppm skew', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { errors, est } = simulate({
        offset: -123_456.7,
        skew: 100e-6,
        base: 2,
        jitter: 150,
        pings: 30,
        seed,
      });
      // After the first burst of 3 pings, the estimate is good enough for 20 ms sync with margin.
      expect(Math.max(...errors.slice(3))).toBeLessThan(2 + 100e-6 * 10_000 * 8);
      expect(est.rtt).toBeLessThan(5);
    }
  });

  it('is thrown off by jitter without the best-of-8 choice (the choice is what helps)', () => {
    // The mean of the samples' offsets, as a naive estimator would use.
    const r = rng(7);
    let sumErr = 0;
    for (let i = 0; i < 8; i++) {
      const out = 2 + (r() < 0.5 ? r() * 150 : 0);
      const back = 2;
      const m = measure({ t0: 0, t1: out, t2: out, t3: out + back })!;
      sumErr += m.offset; // true offset is 0
    }
    const est = new ClockEstimator();
    const r2 = rng(7);
    for (let i = 0; i < 8; i++) {
      const out = 2 + (r2() < 0.5 ? r2() * 150 : 0);
      est.add({ t0: 0, t1: out, t2: out, t3: out + 2 });
    }
    expect(Math.abs(sumErr / 8)).toBeGreaterThan(5);
    expect(Math.abs(est.offset)).toBeLessThan(1);
  });

  it('pings every second for 3 pings, then every 10 s', () => {
    expect([0, 1, 2, 3, 4].map(nextPingDelay)).toEqual([1000, 1000, 1000, 10_000, 10_000]);
  });
});
