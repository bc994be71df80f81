import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/main/cli/args';

describe('parseArgs', () => {
  it('reads flags, several shares and values', () => {
    const o = parseArgs(
      [
        '--server',
        'music.example.org',
        '--share',
        '/a',
        '/b',
        '--no-allow-downloads',
        '--state-dir=/s',
        '--max-transfers',
        '3',
      ],
      {},
    );
    expect(o.server).toBe('music.example.org');
    expect(o.shares).toEqual(['/a', '/b']);
    expect(o.allowDownloads).toBe(false);
    expect(o.stateDir).toBe('/s');
    expect(o.maxTransfers).toBe(3);
  });

  it('falls back to the tunecamp-peer environment variables', () => {
    const o = parseArgs([], {
      TUNECAMP_SERVER: 'https://x.org',
      TUNECAMP_SHARE: '/m1, /m2,,',
      TUNECAMP_ALLOW_DOWNLOADS: 'false',
      TUNECAMP_TOKEN: 'tc_abc',
    });
    expect(o.server).toBe('https://x.org');
    expect(o.shares).toEqual(['/m1', '/m2']);
    expect(o.allowDownloads).toBe(false);
    expect(o.token).toBe('tc_abc');
    expect(o.tokenSource).toBe('env');
  });

  it('treats only the exact string "false" as disabling downloads', () => {
    expect(parseArgs([], { TUNECAMP_ALLOW_DOWNLOADS: 'no' }).allowDownloads).toBe(true);
    expect(parseArgs([], { TUNECAMP_ALLOW_DOWNLOADS: '0' }).allowDownloads).toBe(true);
  });

  it('lets flags win over the environment', () => {
    const o = parseArgs(['--server', 'a.org', '--share', '/x', '--token', 't1'], {
      TUNECAMP_SERVER: 'b.org',
      TUNECAMP_SHARE: '/y',
      TUNECAMP_TOKEN: 't2',
    });
    expect(o.server).toBe('a.org');
    expect(o.shares).toEqual(['/x']);
    expect(o.token).toBe('t1');
    expect(o.tokenSource).toBe('flag');
  });

  it('does not take the env token when a token file is given', () => {
    const o = parseArgs(['--token-file', '/t'], { TUNECAMP_TOKEN: 'tc_env' });
    expect(o.token).toBeUndefined();
    expect(o.tokenFile).toBe('/t');
  });

  it.each([
    [['--bogus'], /Unknown option --bogus/],
    [['--server'], /--server needs a value/],
    [['--server', '--share', '/x'], /--server needs a value/],
    [['--share'], /at least one folder/],
    [['--ui-port', 'abc'], /whole number/],
    [['--ui-port', '70000'], /between 0 and 65535/],
    [['--json'], /--json goes with --scan-only/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv, {})).toThrow(UsageError);
    expect(() => parseArgs(argv, {})).toThrow(message);
  });
});

describe('daemon output lines', () => {
  it('summarises a library change and stays quiet when nothing changed', async () => {
    const { deltaLine } = await import('../../src/main/cli/output');
    expect(deltaLine({ added: [], changed: [], removed: [], moved: [] })).toBe('');
    expect(
      deltaLine({
        added: [],
        changed: [],
        removed: ['a', 'b'],
        moved: [{ id: 'c', from: '/x', to: '/y' }],
      }),
    ).toBe('library: 2 removed, 1 moved');
  });
});
