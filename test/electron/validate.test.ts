import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/shared/contract';
import { looksAbsolute, validateArgs, validateCall } from '../../src/shared/validate';

const ok = (name: unknown, args: unknown) => {
  const r = validateCall(name, args);
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r.args;
};
const err = (name: unknown, args: unknown) => {
  const r = validateCall(name, args);
  if (r.ok) throw new Error(`expected an error for ${String(name)} ${JSON.stringify(args)}`);
  return r.error;
};

describe('validateCall: names', () => {
  it('refuses unknown and non-string names', () => {
    expect(err('deleteEverything', [])).toBe('unknown command "deleteEverything"');
    expect(err('__proto__', [])).toMatch(/unknown command/);
    expect(err('toString', [])).toMatch(/unknown command/);
    expect(err(42, [])).toBe('unknown command number');
    expect(err(undefined, [])).toBe('unknown command undefined');
  });

  it('requires the arguments to be a list', () => {
    expect(err('getSnapshot', undefined)).toBe('getSnapshot: arguments must be a list');
    expect(err('getSnapshot', { length: 0 })).toMatch(/must be a list/);
  });

  it('accepts an argument-less call for each argument-less command, and refuses extras', () => {
    for (const name of ['getSnapshot', 'listTracks', 'signOut', 'pickFolders', 'openLogs']) {
      expect(ok(name, [])).toEqual([]);
      expect(err(name, [1])).toBe(`${name}: expected 0 arguments, got 1`);
    }
  });

  it('has a validator for every command in the contract', () => {
    for (const name of COMMAND_NAMES) {
      const r = validateArgs(name, [Symbol('x'), Symbol('y'), Symbol('z')]);
      // Three odd arguments fit no command: each validator must answer, not crash.
      expect(r.ok, name).toBe(false);
    }
  });
});

describe('validateCall: connect and login', () => {
  it('keeps only known fields and trims the token', () => {
    expect(ok('connect', [{ server: 'https://music.example.org', token: ' tc_abc \n' }])).toEqual([
      { server: 'https://music.example.org', token: 'tc_abc' },
    ]);
  });

  it('refuses unknown fields, empty and oversized strings', () => {
    expect(err('connect', [{ server: 'https://x', token: 't', admin: true }])).toMatch(
      /unknown field "admin"/,
    );
    expect(err('connect', [{ server: 'https://x', token: '' }])).toMatch(/token must not be empty/);
    expect(err('connect', [{ server: 'https://x', token: 'a'.repeat(20_000) }])).toMatch(
      /token is too long/,
    );
    expect(err('connect', [{ server: 'https://x bad', token: 't' }])).toMatch(/not a URL/);
    expect(err('connect', ['https://x'])).toMatch(/must be an object/);
    expect(err('connect', [null])).toMatch(/must be an object/);
  });

  it('checks login fields', () => {
    expect(
      ok('login', [{ server: 'http://localhost:1970', username: 'ann', password: 'pw' }]),
    ).toEqual([{ server: 'http://localhost:1970', username: 'ann', password: 'pw' }]);
    expect(err('login', [{ server: 'http://x', username: 'ann' }])).toMatch(
      /password must be a string/,
    );
  });
});

describe('validateCall: folders', () => {
  it('accepts absolute POSIX, drive-letter and UNC paths', () => {
    expect(
      ok('addFolders', [['/home/ann/Music', 'C:\\Music', 'D:/Audio', '\\\\nas\\music']]),
    ).toEqual([['/home/ann/Music', 'C:\\Music', 'D:/Audio', '\\\\nas\\music']]);
    expect(looksAbsolute('Music')).toBe(false);
    expect(looksAbsolute('./Music')).toBe(false);
    expect(looksAbsolute('C:Music')).toBe(false);
  });

  it('refuses relative paths, NUL bytes, empty lists and huge lists', () => {
    expect(err('addFolders', [['Music']])).toMatch(/folders\[0\] must be an absolute path/);
    expect(err('addFolders', [['/a\0b']])).toMatch(/NUL/);
    expect(err('addFolders', [[]])).toMatch(/must not be empty/);
    expect(err('addFolders', [Array(1001).fill('/x')])).toMatch(/too many entries/);
    expect(err('addFolders', ['/x'])).toMatch(/must be a list/);
    expect(err('removeFolder', ['relative/path'])).toMatch(/absolute path/);
  });

  it('accepts null or a folder for rescan', () => {
    expect(ok('rescan', [null])).toEqual([null]);
    expect(ok('rescan', ['/music'])).toEqual(['/music']);
    expect(err('rescan', [])).toMatch(/expected 1 argument, got 0/);
    expect(err('rescan', [0])).toMatch(/must be a string/);
  });

  it('checks folder options', () => {
    expect(ok('setFolderOptions', ['/m', { download: 'deny', exclude: ['*.tmp'] }])).toEqual([
      '/m',
      { download: 'deny', exclude: ['*.tmp'] },
    ]);
    expect(ok('setFolderOptions', ['/m', {}])).toEqual(['/m', {}]);
    expect(err('setFolderOptions', ['/m', { download: 'maybe' }])).toMatch(
      /download must be one of inherit, allow, deny/,
    );
    expect(err('setFolderOptions', ['/m', { exclude: [''] }])).toMatch(
      /exclude\[0\] must not be empty/,
    );
    expect(err('setFolderOptions', ['/m', { recursive: false }])).toMatch(/unknown field/);
  });
});

describe('validateCall: downloads and flags', () => {
  it('accepts lowercase hex ids and a policy', () => {
    expect(ok('setTrackDownload', [['ab12', 'ff'], 'allow'])).toEqual([['ab12', 'ff'], 'allow']);
  });

  it('refuses non-hex ids, too many ids and bad policies', () => {
    expect(err('setTrackDownload', [['AB12'], 'allow'])).toMatch(/lowercase hex id/);
    expect(err('setTrackDownload', [['../x'], 'allow'])).toMatch(/lowercase hex id/);
    expect(err('setTrackDownload', [Array(100_001).fill('a'), 'deny'])).toMatch(/too many/);
    expect(ok('setTrackDownload', [Array(100_000).fill('a'), 'deny'])[0]).toHaveLength(100_000);
    expect(err('setTrackDownload', [['a'], 'yes'])).toMatch(/download must be one of/);
  });

  it('requires real booleans', () => {
    expect(ok('setPaused', [true])).toEqual([true]);
    expect(ok('setGlobalDownloads', [false])).toEqual([false]);
    expect(err('setPaused', ['true'])).toMatch(/paused must be true or false/);
    expect(err('setGlobalDownloads', [1])).toMatch(/must be true or false/);
  });
});

describe('validateCall: updateSettings', () => {
  it('accepts allow-listed keys with values in range', () => {
    const patch = {
      maxConcurrentTransfers: 4,
      uploadRateLimit: 0,
      autostart: true,
      notifications: false,
      defaultExclude: ['*.part'],
      rescanIntervalHours: 24,
      pollIntervalSeconds: 300,
    };
    expect(ok('updateSettings', [patch])).toEqual([patch]);
    expect(ok('updateSettings', [{}])).toEqual([{}]);
  });

  it('takes the LAN setting whole, as the window sends it back (interfaces included)', () => {
    const lan = { enabled: true, port: 0, host: '127.0.0.1', interfaces: ['eth0', 'enp0s31f6.10'] };
    expect(ok('updateSettings', [{ lan }])).toEqual([{ lan }]);
    const bare = { enabled: false, port: 47310, host: '0.0.0.0' };
    expect(ok('updateSettings', [{ lan: bare }])).toEqual([{ lan: bare }]);
    expect(err('updateSettings', [{ lan: { ...lan, interfaces: ['../etc'] } }])).toMatch(
      /network interface name/,
    );
    expect(err('updateSettings', [{ lan: { ...lan, interfaces: 'eth0' } }])).toMatch(/list/);
  });

  it('refuses keys that are not user settings', () => {
    expect(err('updateSettings', [{ server: 'https://evil' }])).toMatch(/unknown field "server"/);
    expect(err('updateSettings', [{ folders: [] }])).toMatch(/unknown field "folders"/);
    expect(err('updateSettings', [JSON.parse('{"__proto__": {"x": 1}}')])).toMatch(/unknown field/);
  });

  it('refuses out-of-range, non-finite and fractional numbers', () => {
    expect(err('updateSettings', [{ maxConcurrentTransfers: 0 }])).toMatch(/between 1 and 64/);
    expect(err('updateSettings', [{ maxConcurrentTransfers: 2.5 }])).toMatch(/whole number/);
    expect(err('updateSettings', [{ uploadRateLimit: -1 }])).toMatch(/between/);
    expect(err('updateSettings', [{ rescanIntervalHours: 0.1 }])).toMatch(/between 0.25 and 168/);
    expect(err('updateSettings', [{ pollIntervalSeconds: 5 }])).toMatch(/between 10 and 86400/);
    expect(err('updateSettings', [{ rescanIntervalHours: Infinity }])).toMatch(/finite/);
    expect(err('updateSettings', [{ pollIntervalSeconds: NaN }])).toMatch(/finite/);
    expect(err('updateSettings', [{ autostart: 'on' }])).toMatch(/true or false/);
  });
});
