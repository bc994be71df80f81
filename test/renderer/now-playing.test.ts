import { describe, expect, it } from 'vitest';
import type { TransferInfo } from '../../src/shared/contract';
import { nowPlaying } from '../../src/renderer/src/lib/now-playing';
import { albumSeed, coverStatus, placeholderHue } from '../../src/renderer/src/lib/cover-art';
import { ICONS } from '../../src/renderer/src/lib/icons';
import { t } from './fixtures';

const transfer = (trackId: string, extra: Partial<TransferInfo> = {}): TransferInfo => ({
  requestId: `${trackId}-${Math.random()}`,
  trackId,
  title: `Transfer of ${trackId}`,
  kind: 'stream',
  state: 'active',
  bytesSent: 0,
  totalBytes: 100,
  rate: 0,
  startedAt: 1000,
  ...extra,
});

describe('nowPlaying', () => {
  it('lists each streamed track once, with its listeners, most listened first', () => {
    const tracks = new Map([
      ['a', t('a', { title: 'Harbour', artist: 'Saltmarsh', album: 'Tides' })],
      ['b', t('b', { title: 'Ember' })],
    ]);
    const list = nowPlaying(
      [
        transfer('b', { startedAt: 500 }),
        transfer('a', { startedAt: 900 }),
        transfer('a', { startedAt: 700 }),
      ],
      (id) => tracks.get(id),
    );
    expect(list).toEqual([
      {
        trackId: 'a',
        title: 'Harbour',
        artist: 'Saltmarsh',
        album: 'Tides',
        listeners: 2,
        since: 700,
      },
      { trackId: 'b', title: 'Ember', artist: 'Maria', album: 'First', listeners: 1, since: 500 },
    ]);
  });

  it('leaves out downloads and streams not playing, and names unknown tracks by the transfer', () => {
    const list = nowPlaying(
      [
        transfer('x', { kind: 'download' }),
        transfer('y', { state: 'queued' }),
        transfer('z', { state: 'done' }),
        transfer('gone', { title: 'Night River' }),
      ],
      () => undefined,
    );
    expect(list.map((p) => [p.trackId, p.title, p.artist])).toEqual([
      ['gone', 'Night River', undefined],
    ]);
  });

  it('orders ties by who started first', () => {
    const list = nowPlaying(
      [transfer('late', { startedAt: 9 }), transfer('early', { startedAt: 1 })],
      () => undefined,
    );
    expect(list.map((p) => p.trackId)).toEqual(['early', 'late']);
  });
});

describe('cover helpers', () => {
  it('gives an album one stable placeholder hue', () => {
    const seed = albumSeed({ artist: 'Saltmarsh', album: 'Tides' });
    expect(placeholderHue(seed)).toBe(
      placeholderHue(albumSeed({ artist: 'Saltmarsh', album: 'Tides' })),
    );
    expect(placeholderHue(seed)).toBeGreaterThanOrEqual(0);
    expect(placeholderHue(seed)).toBeLessThan(360);
    expect(albumSeed({ folder: '/m' })).toBe('/m');
  });

  it('shows the placeholder without an address or after "no cover", the image once it loaded', () => {
    const none = { loaded: new Set<string>(), missing: new Set<string>() };
    expect(coverStatus(undefined, none, {})).toBe('none');
    expect(coverStatus('c://1', none, {})).toBe('loading');
    expect(coverStatus('c://1', none, { loaded: 'c://1' })).toBe('loaded');
    expect(coverStatus('c://1', none, { failed: 'c://1' })).toBe('none');
    // What other rows learnt: shown at once, or never asked again.
    expect(coverStatus('c://2', { ...none, loaded: new Set(['c://2']) }, {})).toBe('loaded');
    expect(coverStatus('c://3', { ...none, missing: new Set(['c://3']) }, {})).toBe('none');
    // A row given a new address starts over.
    expect(coverStatus('c://4', none, { loaded: 'c://1' })).toBe('loading');
  });

  it('has an icon for every navigation entry, drawn on the 24-unit grid', () => {
    for (const name of [
      'overview',
      'folders',
      'tracks',
      'activity',
      'diagnosis',
      'settings',
      'server',
    ])
      expect(ICONS[name as keyof typeof ICONS].length).toBeGreaterThan(0);
    for (const paths of Object.values(ICONS)) for (const d of paths) expect(d).toMatch(/^M[\d.-]/);
  });
});
