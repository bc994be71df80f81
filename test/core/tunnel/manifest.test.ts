import { describe, it, expect } from 'vitest';
import type { ManifestTrack } from '../../../src/shared/contract';
import { encodeFrame } from '../../../src/main/core/tunnel/frames';
import {
  frameFingerprint,
  ManifestEncoder,
  validateManifest,
} from '../../../src/main/core/tunnel/manifest';
import { acceptManifest } from '../../hub/hub-manifest';

const manifestFingerprint = (tracks: ManifestTrack[]) =>
  frameFingerprint(encodeFrame({ type: 'manifest', tracks }));

const track = (id: string, extra: Partial<ManifestTrack> = {}): ManifestTrack => ({
  id,
  title: `Song ${id}`,
  fileSizeBytes: 1000,
  mimeType: 'audio/flac',
  allowDownload: true,
  ...extra,
});

describe('validateManifest', () => {
  it('passes good tracks through unchanged', () => {
    const tracks = [track('a1', { artist: 'X', album: 'Y', duration: 12.5 }), track('b2')];
    const r = validateManifest(tracks);
    expect(r.tracks).toEqual(tracks);
    expect(r.problems).toEqual([]);
  });

  it('drops later duplicates and reports them', () => {
    const r = validateManifest([track('a1'), track('b2'), track('a1', { title: 'Other' })]);
    expect(r.tracks.map((t) => t.title)).toEqual(['Song a1', 'Song b2']);
    expect(r.problems.join()).toMatch(/duplicate.*a1/);
  });

  it('repairs titles, strips unknown fields and non-primitive values', () => {
    const hostile = {
      ...track('c3', { title: '   ' }),
      path: '/home/me/secret.flac',
      artist: { name: 'obj' },
      album: ['a'],
      duration: NaN,
    } as unknown as ManifestTrack;
    const r = validateManifest([hostile, track('d4', { duration: -1 })]);
    expect(r.tracks[0]).toEqual({
      id: 'c3',
      title: 'c3',
      fileSizeBytes: 1000,
      mimeType: 'audio/flac',
      allowDownload: true,
    });
    expect(r.tracks[1]).not.toHaveProperty('duration');
    expect(JSON.stringify(r.tracks)).not.toContain('secret');
  });

  it('drops tracks with bad ids or sizes, and fixes mime type and allowDownload', () => {
    const bad = [
      track('', {}),
      track('e5', { fileSizeBytes: -1 }),
      track('f6', { fileSizeBytes: 1.5 }),
      { ...track('g7'), fileSizeBytes: '10' } as unknown as ManifestTrack,
      { ...track('h8'), mimeType: '', allowDownload: 'no' } as unknown as ManifestTrack,
      null as unknown as ManifestTrack,
    ];
    const r = validateManifest(bad);
    expect(r.tracks.map((t) => t.id)).toEqual(['h8']);
    expect(r.tracks[0]?.mimeType).toBe('application/octet-stream');
    expect(r.tracks[0]?.allowDownload).toBe(true);
    expect(r.problems.length).toBe(6);
  });

  it('keeps clean tracks as they are (no copy) and copies only those it repairs', () => {
    const clean = track('a1', { artist: 'X', album: undefined, duration: undefined });
    const padded = track('b2', { title: ' Padded ' });
    const extra = { ...track('c3'), path: '/x' } as unknown as ManifestTrack;
    const r = validateManifest([clean, padded, extra, track('a1')]);
    expect(r.tracks[0]).toBe(clean);
    expect(r.tracks[1]).not.toBe(padded);
    expect(r.tracks[1]?.title).toBe('Padded');
    expect(r.tracks[2]).not.toHaveProperty('path');
    expect(r.tracks.map((t) => t.id)).toEqual(['a1', 'b2', 'c3']); // the later a1 is a duplicate
  });

  it('keeps an explicit allowDownload false', () => {
    expect(validateManifest([track('a', { allowDownload: false })]).tracks[0]?.allowDownload).toBe(
      false,
    );
  });

  it('always produces a list the server accepts, even from a hostile input', () => {
    const messy = [
      track('a'),
      track('a'),
      { ...track('b'), title: '' },
      { ...track('c'), extra: { nested: true } } as unknown as ManifestTrack,
      { ...track('d'), duration: Infinity },
    ];
    expect(acceptManifest(messy)).toBeNull(); // the server would silently keep its old list
    const valid = validateManifest(messy).tracks;
    expect(acceptManifest(valid)).toEqual(valid);
    expect(valid.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('ManifestEncoder', () => {
  it('is byte for byte the frame encoded in one piece, at any list size and in any script', () => {
    const names = ['Ünïcödé', '日本語のタイトル', 'emoji 🎵', 'quote " and \\ slash', 'plain'];
    for (const n of [0, 1, 511, 512, 513, 1500]) {
      const tracks = Array.from({ length: n }, (_, i) =>
        track(`id${i}`, {
          title: names[i % names.length]!,
          artist: i % 3 === 0 ? undefined : `Artist ${i % 7}`,
          duration: i % 2 ? i / 3 : undefined,
        }),
      );
      const whole = Buffer.from(encodeFrame({ type: 'manifest', tracks }));
      expect(new ManifestEncoder().encode(tracks).equals(whole), `${n} tracks`).toBe(true);
    }
  });

  it('reuses its buffer across lists that grow, shrink to a few and grow again', () => {
    const list = (n: number, title: string) =>
      Array.from({ length: n }, (_, i) => track(`id${i}`, { title: `${title} ${i}` }));
    const encoder = new ManifestEncoder();
    // 20k tracks pass MIN_ARENA (1 MiB), so the drop to 10 tracks shrinks the buffer.
    for (const [n, title] of [
      [3, 'a'],
      [20_000, 'b ü'],
      [10, '日本'],
      [25_000, 'c'],
      [0, ''],
    ] as const) {
      const tracks = list(n, title);
      const frame = encoder.encode(tracks);
      expect(frame.equals(Buffer.from(encodeFrame({ type: 'manifest', tracks }))), `${n}`).toBe(
        true,
      );
    }
  });
});

describe('frameFingerprint', () => {
  it('is equal for equal lists and differs on any field change or order', () => {
    const a = [track('a1'), track('b2')];
    expect(manifestFingerprint(a)).toBe(manifestFingerprint(structuredClone(a)));
    expect(manifestFingerprint(a)).not.toBe(manifestFingerprint([track('b2'), track('a1')]));
    expect(manifestFingerprint(a)).not.toBe(
      manifestFingerprint([track('a1'), track('b2', { fileSizeBytes: 1001 })]),
    );
    expect(manifestFingerprint(a)).not.toBe(
      manifestFingerprint([track('a1'), track('b2', { allowDownload: false })]),
    );
    expect(manifestFingerprint([])).not.toBe(manifestFingerprint(a));
  });
});
