import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatBytes,
  formatCount,
  formatDuration,
  formatElapsed,
  formatIn,
  formatRate,
  percent,
  plural,
  streamsAndDownloads,
} from '../../src/renderer/src/lib/format';

describe('formatBytes', () => {
  it('uses decimal units with one decimal under 100', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1 KB');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(3_200_000_000)).toBe('3.2 GB');
    expect(formatBytes(412_800_000_000)).toBe('413 GB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
  });
  it('steps up instead of printing 1000 of a unit', () => {
    expect(formatBytes(999_960)).toBe('1 MB');
    expect(formatBytes(999_400)).toBe('999 KB');
  });
  it('renders nonsense as 0 B', () => {
    expect(formatBytes(-5)).toBe('0 B');
    expect(formatBytes(Number.NaN)).toBe('0 B');
    expect(formatBytes(Infinity)).toBe('0 B');
  });
});

describe('formatRate', () => {
  it('appends /s', () => {
    expect(formatRate(1_400_000)).toBe('1.4 MB/s');
    expect(formatRate(0)).toBe('0 B/s');
  });
});

describe('formatCount and plural', () => {
  it('groups thousands', () => {
    expect(formatCount(12408)).toBe('12,408');
    expect(formatCount(50_000)).toBe('50,000');
    expect(formatCount(7.6)).toBe('8');
    expect(formatCount(Number.NaN)).toBe('0');
  });
  it('picks the right noun', () => {
    expect(plural(1, 'track')).toBe('1 track');
    expect(plural(0, 'track')).toBe('0 tracks');
    expect(plural(12408, 'track')).toBe('12,408 tracks');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
  it("says today's streams and downloads in the right number", () => {
    expect(streamsAndDownloads(1, 1)).toBe('1 stream · 1 download');
    expect(streamsAndDownloads(2, 0)).toBe('2 streams · 0 downloads');
    expect(streamsAndDownloads(1200, 1)).toBe('1,200 streams · 1 download');
  });
});

describe('formatDuration', () => {
  it('formats m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(599.6)).toBe('10:00');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
  it('shows a dash when unknown', () => {
    expect(formatDuration(undefined)).toBe('–');
    expect(formatDuration(-1)).toBe('–');
  });
});

describe('relative times', () => {
  const now = 1_700_000_000_000;
  it('formats the past', () => {
    expect(formatAgo(now, now)).toBe('just now');
    expect(formatAgo(now + 10_000, now)).toBe('just now');
    expect(formatAgo(now - 45_000, now)).toBe('45 s ago');
    expect(formatAgo(now - 3 * 60_000, now)).toBe('3 min ago');
    expect(formatAgo(now - 2 * 3600_000, now)).toBe('2 h ago');
    expect(formatAgo(now - 30 * 3600_000, now)).toBe('yesterday');
    expect(formatAgo(now - 4 * 86400_000, now)).toBe('4 days ago');
  });
  it('formats the future', () => {
    expect(formatIn(now - 1, now)).toBe('now');
    expect(formatIn(now + 12_000, now)).toBe('in 12 s');
    expect(formatIn(now + 180_000, now)).toBe('in 3 min');
    expect(formatIn(now + 2 * 3600_000, now)).toBe('in 2 h');
  });
  it('formats elapsed time', () => {
    expect(formatElapsed(45_000)).toBe('45 s');
    expect(formatElapsed(185_000)).toBe('3 min 05 s');
    expect(formatElapsed(130 * 60_000)).toBe('2 h 10 min');
    expect(formatElapsed(-5)).toBe('0 s');
  });
});

describe('percent', () => {
  it('clamps and rounds', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 0)).toBe(0);
    expect(percent(12, 10)).toBe(100);
  });
});
