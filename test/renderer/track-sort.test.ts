import { describe, expect, it } from 'vitest';
import type { TrackInfo } from '../../src/shared/contract';
import { EMPTY_QUERY, compareTracks, filterTracks } from '../../src/renderer/src/lib/tracks';
import {
  DEFAULT_SORT,
  ariaSort,
  nextSort,
  sortTracks,
} from '../../src/renderer/src/lib/track-sort';
import { mockTracks } from '../../src/renderer/src/lib/transport/mock-data';
import { t } from './fixtures';

const ids = (list: TrackInfo[]) => list.map((x) => x.id);

describe('sortTracks', () => {
  const list = [
    t('a', { title: 'Track 10', duration: 300, plays: 2 }),
    t('b', { title: 'track 2', duration: undefined, plays: 2 }),
    t('c', { title: 'Ärger', duration: 60, plays: 1, allowDownload: false }),
    t('d', { title: 'Bell', duration: 60, plays: 2, artist: undefined }),
  ];

  it('orders text naturally (numbers by value, accents with their letter, case-insensitive)', () => {
    expect(ids(sortTracks(list, { key: 'title', dir: 'asc' }))).toEqual(['c', 'd', 'b', 'a']);
    expect(ids(sortTracks(list, { key: 'title', dir: 'desc' }))).toEqual(['a', 'b', 'd', 'c']);
  });

  it('is stable in both directions: ties keep the incoming order', () => {
    expect(ids(sortTracks(list, { key: 'plays', dir: 'asc' }))).toEqual(['c', 'a', 'b', 'd']);
    expect(ids(sortTracks(list, { key: 'plays', dir: 'desc' }))).toEqual(['a', 'b', 'd', 'c']);
    expect(ids(sortTracks(list, { key: 'download', dir: 'asc' }))).toEqual(['c', 'a', 'b', 'd']);
  });

  it('puts unknown values last whichever the direction', () => {
    expect(ids(sortTracks(list, { key: 'duration', dir: 'asc' }))).toEqual(['c', 'd', 'a', 'b']);
    expect(ids(sortTracks(list, { key: 'duration', dir: 'desc' }))).toEqual(['a', 'c', 'd', 'b']);
    expect(ids(sortTracks(list, { key: 'artist', dir: 'desc' })).at(-1)).toBe('d');
  });

  it('does not modify its input', () => {
    const copy = [...list];
    sortTracks(list, { key: 'size', dir: 'desc' });
    expect(list).toEqual(copy);
  });

  it('keeps the library order for the default sort', () => {
    const lib = mockTracks(2000).sort(compareTracks);
    const sorted = sortTracks(lib, DEFAULT_SORT);
    // Artist is the library's first key; ties (same artist) keep album/path order.
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!];
      if (a.artist === b.artist) expect(lib.indexOf(a)).toBeLessThan(lib.indexOf(b));
    }
  });
});

describe('header clicks', () => {
  it('flips the direction on the same column and starts ascending on another', () => {
    const s1 = nextSort(DEFAULT_SORT, 'title');
    expect(s1).toEqual({ key: 'title', dir: 'asc' });
    const s2 = nextSort(s1, 'title');
    expect(s2).toEqual({ key: 'title', dir: 'desc' });
    expect(nextSort(s2, 'title')).toEqual({ key: 'title', dir: 'asc' });
    expect(nextSort(s2, 'size')).toEqual({ key: 'size', dir: 'asc' });
  });
  it('reports aria-sort for each column', () => {
    const s = { key: 'size', dir: 'desc' } as const;
    expect(ariaSort(s, 'size')).toBe('descending');
    expect(ariaSort({ key: 'size', dir: 'asc' }, 'size')).toBe('ascending');
    expect(ariaSort(s, 'title')).toBe('none');
  });
});

describe('50,000 tracks', () => {
  const lib = mockTracks(50_000).sort(compareTracks);

  // How fast this runs is measured by `npm run bench -- --only window`, not here: a timed unit
  // test fails whenever the machine is busy or slow, and proves nothing about the code.
  it('sorts by any column and filters the sorted list', () => {
    const keys = new Map<string, string>();
    for (const key of ['title', 'size', 'album'] as const) {
      const sorted = sortTracks(lib, { key, dir: 'desc' });
      const shown = filterTracks(sorted, { ...EMPTY_QUERY, text: 'night' }, keys);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.length).toBeLessThan(50_000);
      for (const x of shown) expect(JSON.stringify(x).toLowerCase()).toContain('night');
      if (key === 'size') {
        for (let i = 1; i < shown.length; i++)
          expect(shown[i - 1]!.fileSizeBytes).toBeGreaterThanOrEqual(shown[i]!.fileSizeBytes);
      }
    }
  });

  it('keeps every track exactly once', () => {
    const sorted = sortTracks(lib, { key: 'title', dir: 'asc' });
    expect(sorted).toHaveLength(lib.length);
    expect(new Set(ids(sorted)).size).toBe(lib.length);
  });
});
