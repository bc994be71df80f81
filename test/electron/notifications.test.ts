import { describe, expect, it } from 'vitest';
import type { ConnectionStatus, FolderStatus, ProblemCode } from '../../src/shared/contract';
import type { NotifierInput } from '../../src/main/electron/notifications';
import { createNotifier } from '../../src/main/electron/notifications';

function setup() {
  let t = 1_000_000;
  const notify = createNotifier(() => t);
  const advance = (ms: number) => (t += ms);
  const conn = (state: ConnectionStatus['state'], code?: ProblemCode): NotifierInput => ({
    kind: 'connection',
    status: {
      state,
      since: t,
      publishedTracks: 0,
      ...(code ? { problem: { code, message: `problem ${code}` } } : {}),
    },
  });
  const keys = (input: NotifierInput) => notify(input).map((n) => n.key);
  return { notify, advance, conn, keys };
}

const folder = (p: string, state: FolderStatus['state'], reason?: string): FolderStatus => ({
  path: p,
  state,
  download: 'inherit',
  exclude: [],
  tracks: 0,
  bytes: 0,
  skipped: [],
  ...(reason ? { reason } : {}),
});

describe('createNotifier: connection', () => {
  it('stays quiet through routine reconnects', () => {
    const { advance, conn, keys } = setup();
    expect(keys(conn('connected'))).toEqual([]);
    for (let i = 0; i < 5; i++) {
      expect(keys(conn('waiting', 'unreachable'))).toEqual([]);
      advance(20_000);
      expect(keys(conn('connecting'))).toEqual([]);
      advance(20_000);
      expect(keys(conn('connected'))).toEqual([]);
      advance(60_000);
    }
  });

  it('tells once when offline for more than a minute, and again after a new outage', () => {
    const { advance, conn, keys, notify } = setup();
    expect(keys(conn('connected'))).toEqual([]);
    expect(keys(conn('waiting', 'unreachable'))).toEqual([]);
    advance(59_000);
    expect(keys({ kind: 'tick' })).toEqual([]);
    advance(2_000);
    const shown = notify({ kind: 'tick' });
    expect(shown.map((n) => n.key)).toEqual(['offline']);
    expect(shown[0]?.body).toContain('problem unreachable');
    advance(120_000);
    expect(keys({ kind: 'tick' })).toEqual([]);
    expect(keys(conn('waiting', 'unreachable'))).toEqual([]);
    expect(keys(conn('connected'))).toEqual([]);
    expect(keys(conn('connecting'))).toEqual([]);
    advance(61_000);
    expect(keys(conn('waiting', 'server-error'))).toEqual(['offline']);
  });

  it('does not count a user pause as an outage', () => {
    const { advance, conn, keys } = setup();
    expect(keys(conn('paused'))).toEqual([]);
    advance(600_000);
    expect(keys({ kind: 'tick' })).toEqual([]);
    expect(keys(conn('not-configured'))).toEqual([]);
    advance(600_000);
    expect(keys({ kind: 'tick' })).toEqual([]);
  });

  it('tells about a rejected token once, without a second offline notice', () => {
    const { advance, conn, keys } = setup();
    expect(keys(conn('stopped', 'unauthorized'))).toEqual(['token-rejected']);
    expect(keys(conn('stopped', 'unauthorized'))).toEqual([]);
    advance(300_000);
    expect(keys({ kind: 'tick' })).toEqual([]);
    // Still rejected after the user paused and resumed: not told again.
    expect(keys(conn('paused'))).toEqual([]);
    expect(keys(conn('stopped', 'unauthorized'))).toEqual([]);
    // After a successful connection, a new rejection is news again.
    expect(keys(conn('connected'))).toEqual([]);
    expect(keys(conn('stopped', 'unauthorized'))).toEqual(['token-rejected']);
  });

  it('tells about a conflict and a forbidden account once per outage', () => {
    const { conn, keys } = setup();
    expect(keys(conn('waiting', 'conflict'))).toEqual(['conflict']);
    expect(keys(conn('waiting', 'conflict'))).toEqual([]);
    expect(keys(conn('connected'))).toEqual([]);
    expect(keys(conn('waiting', 'conflict'))).toEqual(['conflict']);
    expect(keys(conn('stopped', 'forbidden'))).toEqual(['forbidden']);
    expect(keys(conn('stopped', 'forbidden'))).toEqual([]);
  });
});

describe('createNotifier: folders', () => {
  it('tells when a folder goes offline, once per transition', () => {
    const { notify } = setup();
    expect(
      notify({ kind: 'folders', folders: [folder('/a', 'watching'), folder('/b', 'scanning')] }),
    ).toEqual([]);
    const shown = notify({
      kind: 'folders',
      folders: [folder('/a', 'offline', 'drive unplugged'), folder('/b', 'watching')],
    });
    expect(shown).toHaveLength(1);
    expect(shown[0]?.key).toBe('folder-offline');
    expect(shown[0]?.body).toContain('/a: drive unplugged');
    expect(
      notify({ kind: 'folders', folders: [folder('/a', 'offline'), folder('/b', 'watching')] }),
    ).toEqual([]);
    expect(notify({ kind: 'folders', folders: [folder('/a', 'watching')] })).toEqual([]);
    expect(notify({ kind: 'folders', folders: [folder('/a', 'offline')] })).toHaveLength(1);
  });

  it('tells about a folder that is offline at its first report', () => {
    const { notify } = setup();
    expect(notify({ kind: 'folders', folders: [folder('/usb', 'offline')] })).toHaveLength(1);
  });
});
