import { describe, expect, it } from 'vitest';
import { ActivityLog, redactSecrets } from '../../src/main/core/activity-log';
import { effectiveAllowDownload } from '../../src/main/core/downloads';
import { folderConflict, rootOf } from '../../src/main/core/folders';
import {
  buildManifest,
  partialPublishDelayMs,
  PUBLISH_DELAY_MS,
} from '../../src/main/core/publisher';
import type { LibraryEntry } from '../../src/main/core/library/library';
import { usernameFromToken } from '../../src/main/core/server-auth';

describe('effectiveAllowDownload', () => {
  it('prefers the track, then the folder, then the global default', () => {
    expect(effectiveAllowDownload(true, 'inherit', undefined)).toBe(true);
    expect(effectiveAllowDownload(false, 'inherit', 'inherit')).toBe(false);
    expect(effectiveAllowDownload(true, 'deny', undefined)).toBe(false);
    expect(effectiveAllowDownload(false, 'allow', undefined)).toBe(true);
    expect(effectiveAllowDownload(true, 'deny', 'allow')).toBe(true);
    expect(effectiveAllowDownload(true, 'allow', 'deny')).toBe(false);
  });
});

describe('folderConflict', () => {
  it('explains duplicates and nesting both ways', () => {
    expect(folderConflict(['/m/a'], '/m/a')).toMatch(/already shared/);
    expect(folderConflict(['/m/a'], '/m/a/b')).toMatch(/inside \/m\/a/);
    expect(folderConflict(['/m/a/b'], '/m/a')).toMatch(/contains \/m\/a\/b/);
    expect(folderConflict(['/m/a'], '/m/ab')).toBeNull();
  });

  it('finds the root that holds a file', () => {
    expect(rootOf(['/m', '/m/x'], '/m/x/song.mp3')).toBe('/m/x');
    expect(rootOf(['/m'], '/n/song.mp3')).toBeUndefined();
  });
});

describe('buildManifest', () => {
  const entry = (id: string, root: string, extra: Partial<LibraryEntry> = {}): LibraryEntry => ({
    id,
    path: `${root}/${id}.mp3`,
    root,
    size: 100,
    mtimeMs: 1,
    dev: 1,
    ino: Number.parseInt(id, 16),
    title: `t${id}`,
    mimeType: 'audio/mpeg',
    format: 'mp3',
    ...extra,
  });

  it('withholds offline roots and carries the effective permission and only known fields', () => {
    const m = buildManifest(
      [entry('a1', '/r1', { artist: 'A', duration: 3.5 }), entry('b2', '/r2'), entry('c3', '/r1')],
      {
        allowDownloads: true,
        folders: [{ path: '/r1', download: 'deny', exclude: [] }],
        trackOverrides: { c3: 'allow' },
      },
      new Set(['/r2']),
    );
    expect(m).toEqual([
      {
        id: 'a1',
        title: 'ta1',
        artist: 'A',
        duration: 3.5,
        fileSizeBytes: 100,
        mimeType: 'audio/mpeg',
        allowDownload: false,
      },
      { id: 'c3', title: 'tc3', fileSizeBytes: 100, mimeType: 'audio/mpeg', allowDownload: true },
    ]);
  });
});

describe('partialPublishDelayMs', () => {
  it('sends a list that grew by half at once, so a filling library is sent about 3x in total', () => {
    expect(partialPublishDelayMs(15_000, 10_000)).toBe(PUBLISH_DELAY_MS);
    let sent = 0;
    let total = 0;
    for (let n = 1; n <= 100_000; n += 100) {
      if (partialPublishDelayMs(n, sent) <= PUBLISH_DELAY_MS) {
        sent = n;
        total += n;
      }
    }
    expect(total).toBeLessThan(3.5 * 100_000);
  });

  it('sends the first tracks after an empty list without waiting (the first listenable tracks)', () => {
    expect(partialPublishDelayMs(1, 0)).toBe(0);
    expect(partialPublishDelayMs(500, 0)).toBe(0);
    expect(partialPublishDelayMs(0, 0)).toBe(PUBLISH_DELAY_MS);
  });

  it('otherwise waits longer for a larger list, within 100 ms and 30 s', () => {
    expect(partialPublishDelayMs(100, 90)).toBe(PUBLISH_DELAY_MS);
    expect(partialPublishDelayMs(20_000, 19_000)).toBe(4000);
    expect(partialPublishDelayMs(100_000, 90_000)).toBe(20_000);
    expect(partialPublishDelayMs(1_000_000, 900_000)).toBe(30_000);
  });
});

describe('redaction', () => {
  it('removes tokens from anything logged', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6Im1hcmlhIn0.c2lnbmF0dXJl';
    const text = `wss://h/ws/peer?token=${jwt}&allowDownloads=true tc_secretvalue Bearer abc.def`;
    const out = redactSecrets(text);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('tc_secretvalue');
    expect(out).not.toContain('abc.def');
    const log = new ActivityLog(2);
    log.add('info', 'one');
    log.add('info', 'two');
    log.add('warn', `three ${jwt}`);
    expect(log.recent().map((e) => e.message)).toEqual(['two', 'three [redacted-jwt]']);
  });

  it('reads the display name of a JWT and nothing from API tokens', () => {
    expect(usernameFromToken('eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6Im1hcmlhIn0.c2ln')).toBe(
      'maria',
    );
    expect(usernameFromToken('tc_1234')).toBeUndefined();
  });
});
