import { describe, expect, it } from 'vitest';
import {
  addCompleted,
  addServedBytes,
  emptyStats,
  localDay,
} from '../../../src/main/core/transfers/stats';
import { restoreTotals, serializeTotals } from '../../../src/main/core/transfers/stats-store';

const noon = new Date(2026, 10, 23, 12, 0, 0).getTime();
const nextDay = new Date(2026, 10, 24, 0, 0, 1).getTime();

describe('stats store', () => {
  it('round-trips through JSON', () => {
    const s = emptyStats(noon);
    addServedBytes(s, noon, 5000);
    addCompleted(s, noon, 'stream', 'aa');
    addCompleted(s, noon, 'download', 'aa');
    addCompleted(s, noon, 'stream', 'bb');
    const stored = JSON.parse(JSON.stringify(serializeTotals(s))) as unknown;
    const back = restoreTotals(stored, noon + 1000);
    expect(back).toEqual(s);
    expect(back.counts.get('aa')).toEqual({ plays: 1, downloads: 1 });
  });

  it('resets the day counters at local midnight but keeps all-time ones', () => {
    const s = emptyStats(noon);
    addServedBytes(s, noon, 5000);
    addCompleted(s, noon, 'stream', 'aa');
    const back = restoreTotals(serializeTotals(s), nextDay);
    expect(back.day).toBe(localDay(nextDay));
    expect(back).toMatchObject({ bytesToday: 0, streamsToday: 0, bytesAllTime: 5000 });
    expect(back.counts.get('aa')).toEqual({ plays: 1, downloads: 0 });
    addServedBytes(s, nextDay, 10);
    expect(s).toMatchObject({ bytesToday: 10, bytesAllTime: 5010, streamsToday: 0 });
  });

  it('validates what it reads: garbage becomes zeros, bad entries are dropped', () => {
    for (const raw of [null, 'x', 42, [], { version: 2, bytesAllTime: 5 }]) {
      expect(restoreTotals(raw, noon)).toEqual(emptyStats(noon));
    }
    const back = restoreTotals(
      {
        version: 1,
        day: 'yesterday',
        bytesToday: 7,
        bytesAllTime: -3,
        streamsToday: 1,
        downloadsToday: 0,
        counts: {
          ok: { plays: 2, downloads: 0 },
          neg: { plays: -1, downloads: 0 },
          str: { plays: '2' },
          n: null,
        },
      },
      noon,
    );
    expect(back.bytesAllTime).toBe(0);
    expect(back.bytesToday).toBe(0); // an unreadable day cannot vouch for "today"
    expect([...back.counts.keys()]).toEqual(['ok']);
  });
});
