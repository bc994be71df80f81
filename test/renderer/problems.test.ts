import { describe, expect, it } from 'vitest';
import type { ConnectionStatus, FolderStatus, ProblemCode } from '../../src/shared/contract';
import { PROBLEMS, diagnose, headline, serverHost } from '../../src/renderer/src/lib/problems';
import { formatCount } from '../../src/renderer/src/lib/format';

const ALL: ProblemCode[] = [
  'not-configured',
  'unauthorized',
  'forbidden',
  'sharing-disabled',
  'unreachable',
  'not-tunecamp',
  'server-error',
  'silent-server',
  'conflict',
  'folder-offline',
  'watch-limit',
  'no-folders',
];

const conn = (c: Partial<ConnectionStatus>): ConnectionStatus => ({
  state: 'connected',
  server: 'https://music.example.org',
  username: 'maria',
  since: 0,
  publishedTracks: 12408,
  ...c,
});
const folder = (f: Partial<FolderStatus>): FolderStatus => ({
  path: '/m',
  download: 'inherit',
  exclude: [],
  state: 'watching',
  tracks: 1,
  bytes: 1,
  skipped: [],
  ...f,
});

describe('PROBLEMS', () => {
  it('explains every problem code with a sentence and a next step', () => {
    expect(Object.keys(PROBLEMS).sort()).toEqual([...ALL].sort());
    for (const code of ALL) {
      expect(PROBLEMS[code].title).toMatch(/\.$/);
      expect(PROBLEMS[code].next.length).toBeGreaterThan(10);
    }
    expect(PROBLEMS.forbidden.next).toContain('administrator');
  });
});

describe('headline', () => {
  it('states what is shared, with whom, as whom', () => {
    expect(headline(conn({}), 0, formatCount)).toEqual({
      tone: 'ok',
      text: 'Sharing 12,408 tracks with music.example.org as maria',
    });
    expect(headline(conn({ publishedTracks: 1 }), 0, formatCount).text).toBe(
      'Sharing 1 track with music.example.org as maria',
    );
  });
  it('names the problem and the next step when not sharing', () => {
    const h = headline(
      conn({ state: 'stopped', problem: { code: 'unauthorized', message: 'x', status: 401 } }),
      0,
      formatCount,
    );
    expect(h.tone).toBe('error');
    expect(h.text).toContain('401');
    expect(h.next).toContain('Log in again');
    expect(headline(conn({ state: 'paused' }), 5, formatCount).tone).toBe('idle');
    expect(headline(conn({ state: 'connecting' }), 5, formatCount).text).toBe(
      'Connecting to music.example.org…',
    );
  });
});

describe('diagnose', () => {
  it('is empty when all is well', () => {
    expect(diagnose(conn({}), [folder({})])).toEqual([]);
  });
  it('lists connection and folder problems once each, connection first', () => {
    const out = diagnose(
      conn({ state: 'waiting', problem: { code: 'unreachable', message: '' } }),
      [
        folder({ state: 'offline' }),
        folder({ path: '/b', state: 'offline' }),
        folder({ path: '/c', state: 'polling' }),
      ],
    );
    expect(out.map((e) => e.code)).toEqual(['unreachable', 'folder-offline', 'watch-limit']);
  });
  it('asks for setup and folders on a fresh install', () => {
    const out = diagnose({ state: 'not-configured', since: 0, publishedTracks: 0 }, []);
    expect(out.map((e) => e.code)).toEqual(['not-configured', 'no-folders']);
  });
});

describe('serverHost', () => {
  it('keeps a path prefix and drops the scheme', () => {
    expect(serverHost('https://example.org/tunecamp')).toBe('example.org/tunecamp');
    expect(serverHost(undefined)).toBe('the server');
  });
});

describe('activityTone', () => {
  it('maps each activity level to its dot', async () => {
    const { activityTone } = await import('../../src/renderer/src/lib/problems');
    expect([activityTone('info'), activityTone('warn'), activityTone('error')]).toEqual([
      'ok',
      'warn',
      'error',
    ]);
  });
});
