/** The room's timing rules: lead time, the timeline, and the drift rule's thresholds. */
import { describe, expect, it } from 'vitest';
import { FloodGate } from '../../../../src/main/core/lan/rooms/flood';
import {
  driftAction,
  expectedPosition,
  leadTime,
  StallWatch,
} from '../../../../src/main/core/lan/rooms/policy';

describe('leadTime', () => {
  it('is max(2 × the highest round trip, 500 ms)', () => {
    expect(leadTime([])).toBe(500);
    expect(leadTime([3, 40, 12])).toBe(500);
    expect(leadTime([3, 400, 12])).toBe(800);
    expect(leadTime([NaN, Infinity, 260])).toBe(520);
  });
});

describe('expectedPosition', () => {
  const playing = { state: 'playing' as const, index: 0, position: 10, atHostTime: 5000 };
  it('holds a start scheduled in the future, then moves with the host clock', () => {
    expect(expectedPosition(playing, 4000)).toBe(10);
    expect(expectedPosition(playing, 7500)).toBe(12.5);
  });
  it('stops at the duration, and does not move while paused', () => {
    expect(expectedPosition(playing, 100_000, 30)).toBe(30);
    expect(expectedPosition({ ...playing, state: 'paused' }, 100_000)).toBe(10);
  });
});

describe('driftAction', () => {
  const base = { now: 10_000, lastSeekAt: -Infinity, nudge: false };
  it('ignores errors under 20 ms', () => {
    expect(driftAction({ ...base, errorMs: 19.9 }).kind).toBe('none');
    expect(driftAction({ ...base, errorMs: -19.9 }).kind).toBe('none');
  });
  it('seeks at 250 ms or more, at most once every 1.5 s', () => {
    expect(driftAction({ ...base, errorMs: 250 }).kind).toBe('seek');
    expect(driftAction({ ...base, errorMs: -900 }).kind).toBe('seek');
    expect(driftAction({ ...base, errorMs: 300, lastSeekAt: 8600 }).kind).toBe('none');
    expect(driftAction({ ...base, errorMs: 300, lastSeekAt: 8500 }).kind).toBe('seek');
  });
  it('leaves 20–250 ms alone unless nudging is on, then within ±3 %', () => {
    expect(driftAction({ ...base, errorMs: 120 })).toEqual({ kind: 'none', rate: 1 });
    expect(driftAction({ ...base, errorMs: 25, nudge: true })).toEqual({
      kind: 'nudge',
      rate: 0.975,
    });
    expect(driftAction({ ...base, errorMs: 200, nudge: true })).toEqual({
      kind: 'nudge',
      rate: 0.97,
    });
    expect(driftAction({ ...base, errorMs: -200, nudge: true })).toEqual({
      kind: 'nudge',
      rate: 1.03,
    });
  });
});

describe('FloodGate', () => {
  it('lets a burst through, then the refill rate, and counts what it drops', () => {
    const g = new FloodGate({ burst: 5, perSecond: 2 }, 0);
    const first = Array.from({ length: 8 }, () => g.allow(0));
    expect(first.filter(Boolean)).toHaveLength(5);
    expect(g.dropped).toBe(3);
    expect(g.allow(400)).toBe(false);
    expect(g.allow(500)).toBe(true);
    // A clock that goes backwards refills nothing.
    expect(g.allow(100)).toBe(false);
  });
});

describe('StallWatch (the page switches to the data saver)', () => {
  it('is true at the third stall within 60 s, not for stalls spread wider', () => {
    const w = new StallWatch();
    expect(w.add(0)).toBe(false);
    expect(w.add(30_000)).toBe(false);
    // The first has left the window: two within 60 s.
    expect(w.add(61_000)).toBe(false);
    expect(w.add(62_000)).toBe(true);
    w.clear();
    expect(w.add(63_000)).toBe(false);
  });
});
