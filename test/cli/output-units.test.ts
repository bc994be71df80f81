/**
 * Issue 12, "Units disagree": the daemon's log and the CLI print sizes and rates in the window's
 * decimal units (the window said "413 KB" where the log said "403.4 KiB").
 */
import { describe, expect, it } from 'vitest';
import { scanSummary, totalsLine } from '../../src/main/cli/output';
import type { LibraryEntry } from '../../src/main/core/library/library';
import { formatBytes as windowBytes } from '../../src/renderer/src/lib/format';
import { formatBytes, formatRate } from '../../src/shared/units';

const totals = {
  bytesToday: 413_100,
  bytesAllTime: 9_000_000,
  streamsToday: 2,
  downloadsToday: 1,
  rate: 1_400_000,
  active: 1,
  queued: 0,
};

describe('one unit system for the window, the log and the CLI', () => {
  it('the window and the daemon use the same formatter', () => {
    expect(windowBytes).toBe(formatBytes);
    expect(formatBytes(413_100)).toBe('413 KB');
    expect(formatRate(1_400_000)).toBe('1.4 MB/s');
  });

  it("the daemon's transfer summary says KB and MB/s, as the window does", () => {
    const line = totalsLine(totals);
    expect(line).toContain('served today 413 KB');
    expect(line).toContain('1.4 MB/s');
    expect(line).not.toMatch(/KiB|MiB|GiB/);
  });

  it('the --scan-only summary says GB per format', () => {
    const e = { format: 'flac', size: 2_500_000_000 } as LibraryEntry;
    const text = scanSummary([e], [], []);
    expect(text).toMatch(/flac\s+1\s+2\.5 GB/);
    expect(text).not.toMatch(/KiB|MiB|GiB/);
  });
});
