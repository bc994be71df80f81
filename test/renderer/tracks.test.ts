import { describe, expect, it } from 'vitest';
import {
  EMPTY_QUERY,
  applyDelta,
  clickSelect,
  filterTracks,
  isFiltered,
  togglePolicy,
} from '../../src/renderer/src/lib/tracks';
import { mockTracks } from '../../src/renderer/src/lib/transport/mock-data';
import { t } from './fixtures';

describe('filterTracks', () => {
  const list = [
    t('1', { title: 'Night River', format: 'flac' }),
    t('2', { title: 'Glass', artist: 'Saltmarsh', allowDownload: false }),
    t('3', { title: 'Morning', album: 'River Songs', folder: '/other' }),
  ];
  it('matches every word anywhere in title, artist, album or path, case-insensitively', () => {
    expect(filterTracks(list, { ...EMPTY_QUERY, text: 'river' }).map((x) => x.id)).toEqual([
      '1',
      '3',
    ]);
    expect(filterTracks(list, { ...EMPTY_QUERY, text: 'RIVER songs' }).map((x) => x.id)).toEqual([
      '3',
    ]);
    expect(filterTracks(list, { ...EMPTY_QUERY, text: '2.mp3' }).map((x) => x.id)).toEqual(['2']);
    expect(filterTracks(list, EMPTY_QUERY)).toHaveLength(3);
  });
  it('applies quick filters', () => {
    expect(filterTracks(list, { ...EMPTY_QUERY, format: 'flac' }).map((x) => x.id)).toEqual(['1']);
    expect(filterTracks(list, { ...EMPTY_QUERY, folder: '/other' }).map((x) => x.id)).toEqual([
      '3',
    ]);
    expect(filterTracks(list, { ...EMPTY_QUERY, downloadable: 'no' }).map((x) => x.id)).toEqual([
      '2',
    ]);
    expect(filterTracks(list, { ...EMPTY_QUERY, downloadable: 'yes' })).toHaveLength(2);
    expect(isFiltered(EMPTY_QUERY)).toBe(false);
    expect(isFiltered({ ...EMPTY_QUERY, text: '  ' })).toBe(false);
    expect(isFiltered({ ...EMPTY_QUERY, format: 'mp3' })).toBe(true);
  });
  // Speed is measured by `npm run bench -- --only window`; here: the keys are built once and reused.
  it('filters 50,000 tracks with search keys built once and reused', () => {
    const big = mockTracks(50_000);
    const keys = new Map<string, string>();
    filterTracks(big, { ...EMPTY_QUERY, text: 'x' }, keys);
    expect(keys.size).toBe(big.length);
    // A cached key is used as is: plant one and find the track by it.
    keys.set(big[7]!.id, 'planted-key');
    expect(filterTracks(big, { ...EMPTY_QUERY, text: 'planted-key' }, keys)).toEqual([big[7]]);
    const hits = filterTracks(big, { ...EMPTY_QUERY, text: 'night river' }, keys);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThan(big.length);
    expect(hits.every((h) => /night/i.test(h.title + h.album + h.relPath))).toBe(true);
  });
});

describe('applyDelta', () => {
  it('adds, changes, removes and moves tracks, keeping order', () => {
    const list = [t('a'), t('b'), t('c')];
    const next = applyDelta(list, {
      added: [t('d')],
      changed: [t('b', { title: 'Changed' })],
      removed: ['a'],
      moved: [{ id: 'c', from: 'c', to: 'c2' }],
    });
    expect(next.map((x) => x.id)).toEqual(['b', 'c2', 'd']);
    expect(next[0]!.title).toBe('Changed');
    expect(list.map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });
  it('treats an added id that exists as a replacement, not a duplicate', () => {
    const next = applyDelta([t('a')], {
      added: [t('a', { title: 'New' })],
      changed: [],
      removed: [],
      moved: [],
    });
    expect(next).toHaveLength(1);
    expect(next[0]!.title).toBe('New');
  });
  it('uses the changed track when a moved track also changed', () => {
    const next = applyDelta([t('a')], {
      added: [],
      changed: [t('z', { title: 'Moved' })],
      removed: [],
      moved: [{ id: 'z', from: 'a', to: 'z' }],
    });
    expect(next.map((x) => [x.id, x.title])).toEqual([['z', 'Moved']]);
  });
});

describe('clickSelect', () => {
  const rows = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
  it('selects one on a plain click, toggles with ctrl, ranges with shift', () => {
    let s = clickSelect(new Set(), -1, rows, 1, { shift: false, toggle: false });
    expect([...s.selected]).toEqual(['b']);
    s = clickSelect(s.selected, s.anchor, rows, 3, { shift: true, toggle: false });
    expect([...s.selected].sort()).toEqual(['b', 'c', 'd']);
    s = clickSelect(s.selected, s.anchor, rows, 2, { shift: false, toggle: true });
    expect([...s.selected].sort()).toEqual(['b', 'd']);
    expect(s.anchor).toBe(2);
    s = clickSelect(s.selected, s.anchor, rows, 0, { shift: true, toggle: true });
    expect([...s.selected].sort()).toEqual(['a', 'b', 'c', 'd']);
    s = clickSelect(s.selected, s.anchor, rows, 4, { shift: false, toggle: false });
    expect([...s.selected]).toEqual(['e']);
  });
  it('ignores a click outside the rows', () => {
    const s = clickSelect(new Set(['a']), 0, rows, 9, { shift: false, toggle: false });
    expect([...s.selected]).toEqual(['a']);
  });
});

describe('togglePolicy', () => {
  it('flips the effective flag', () => {
    expect(togglePolicy(t('a'))).toBe('deny');
    expect(togglePolicy(t('a', { allowDownload: false }))).toBe('allow');
  });
});
