import { describe, expect, it } from 'vitest';
import {
  computeWindow,
  createLinkEstimator,
  createMeter,
  linkAck,
  linkBusy,
  linkRate,
  meterAdd,
  meterRate,
  meterSum,
} from '../../../src/main/core/transfers/rate';
import {
  createBucket,
  refill,
  setBucketRate,
  spend,
  waitMs,
} from '../../../src/main/core/transfers/token-bucket';

describe('rolling meter', () => {
  it('averages over its age while young, over its span after, and forgets old samples', () => {
    const m = createMeter(3000);
    expect(meterRate(m, 0)).toBe(0);
    meterAdd(m, 10_000, 1000);
    meterAdd(m, 10_900, 1000);
    expect(meterRate(m, 11_000)).toBe(2000); // 2000 bytes over 1 s of age
    meterAdd(m, 12_900, 2000);
    expect(meterSum(m, 12_990)).toBe(4000);
    expect(meterRate(m, 12_990)).toBeCloseTo(4000 / 2.99, 5);
    expect(meterSum(m, 13_400)).toBe(3000); // the first sample left the span
    expect(meterSum(m, 20_000)).toBe(0);
    expect(meterRate(m, 20_000)).toBe(0);
  });
});

describe('send window', () => {
  it('is 100 ms of the rate, clamped to [min, max]', () => {
    expect(computeWindow(undefined, 175_000, 524_288)).toBe(175_000);
    expect(computeWindow(Infinity, 175_000, 524_288)).toBe(524_288);
    expect(computeWindow(1_000_000, 175_000, 524_288)).toBe(175_000);
    expect(computeWindow(3_000_000, 175_000, 524_288)).toBe(300_000);
    expect(computeWindow(100_000_000, 175_000, 524_288)).toBe(524_288);
    expect(computeWindow(3_000_000, 600_000, 524_288)).toBe(524_288); // min above max: max wins
    expect(computeWindow(3_000_000, 100, 10_000_000, 50)).toBe(150_000);
  });

  it('measures the link over busy time only', () => {
    const e = createLinkEstimator(2000);
    expect(linkRate(e, 0)).toBeUndefined();
    linkBusy(e, 1000);
    linkAck(e, 1100, 100_000, false);
    linkAck(e, 1200, 100_000, true); // 200 KB in 200 ms busy
    expect(linkRate(e, 1200)).toBeCloseTo(1_000_000, 0);
    // An idle second does not dilute it.
    linkBusy(e, 2200);
    linkAck(e, 2300, 100_000, true);
    expect(linkRate(e, 2300)).toBeCloseTo(1_000_000, 0);
    // Completions faster than the clock: unmeasurably fast.
    const f = createLinkEstimator();
    linkBusy(f, 5000);
    linkAck(f, 5000, 87_000, true);
    expect(linkRate(f, 5000)).toBe(Infinity);
  });
});

describe('token bucket', () => {
  it('lets a burst through, then paces to the rate', () => {
    const b = createBucket(1000, 0);
    expect(waitMs(b, 0)).toBe(0);
    spend(b, 250 + 500); // burst allowance 250, 500 in debt
    expect(waitMs(b, 0)).toBe(500);
    expect(waitMs(b, 400)).toBe(100);
    expect(waitMs(b, 500)).toBe(0);
    refill(b, 10_000);
    expect(b.tokens).toBe(250); // capped at a quarter second
  });

  it('is a no-op at rate 0 and can change rate', () => {
    const b = createBucket(0, 0);
    spend(b, 1e9);
    expect(waitMs(b, 0)).toBe(0);
    setBucketRate(b, 2000, 0);
    spend(b, 1000);
    expect(waitMs(b, 0)).toBe(500);
  });
});
