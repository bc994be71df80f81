import { describe, expect, it } from 'vitest';
import {
  connectFailure,
  signInNow,
  storedTokenNote,
  tokenStorageNote,
} from '../../src/renderer/src/lib/connect-copy';

describe('connectFailure', () => {
  const refused = {
    code: 'unauthorized' as const,
    message: 'Token rejected by server (401): log in again.',
    status: 401,
  };

  it('talks about the token just typed, not a saved one, and says it once', () => {
    const f = connectFailure(refused, { mode: 'token' });
    expect(f.title).toBe('The server rejected this token (401).');
    expect(f.next).toBe('Check it, or log in again to get a new one.');
    expect(f.detail).toBeUndefined();
    expect(`${f.title} ${f.next}`).not.toMatch(/saved/);
  });

  it('talks about the username or password after a login', () => {
    const f = connectFailure(
      { code: 'unauthorized', message: 'Wrong username or password.', status: 401 },
      { mode: 'login', username: 'maria' },
    );
    expect(f.title).toBe('The server rejected this username or password (401).');
    expect(f.detail).toBeUndefined();
  });

  it('names the account a server does not allow to share', () => {
    const problem = {
      code: 'forbidden' as const,
      message: 'Peer sharing not enabled',
      status: 403,
    };
    const f = connectFailure(problem, { mode: 'login', username: ' guest ' });
    expect(f.title).toBe('This server does not allow guest to share.');
    expect(f.next).toContain('Ask an administrator');
    expect(f.detail).toBeUndefined();
    expect(connectFailure(problem, { mode: 'token' }).title).toContain('this account');
  });

  it('keeps the engine message as the detail when it carries specifics', () => {
    const f = connectFailure(
      {
        code: 'unreachable',
        message: 'Cannot find music.example.org (DNS lookup failed). Retrying.',
      },
      { mode: 'token' },
    );
    expect(f.title).toBe('The server cannot be reached.');
    expect(f.detail).toContain('DNS lookup failed');
  });

  it('drops a detail that only repeats the title', () => {
    const f = connectFailure(
      { code: 'unreachable', message: 'The server cannot be reached' },
      { mode: 'token' },
    );
    expect(f.detail).toBeUndefined();
  });
});

describe('where the token is kept', () => {
  it('says encrypted only when it is', () => {
    expect(tokenStorageNote({ host: 'desktop', secretsEncrypted: true })).toContain('encrypted');
    expect(storedTokenNote({ host: 'desktop', secretsEncrypted: true })).toBeUndefined();
    for (const host of ['desktop', 'headless'] as const) {
      expect(tokenStorageNote({ host, secretsEncrypted: false })).not.toMatch(/stored encrypted/);
      expect(storedTokenNote({ host, secretsEncrypted: false })).toBeDefined();
    }
  });
  it('names the data folder on a headless daemon, and the question on the desktop', () => {
    expect(tokenStorageNote({ host: 'headless', secretsEncrypted: false })).toBe(
      "It is stored in the app's data folder, readable only by your user account.",
    );
    expect(storedTokenNote({ host: 'headless', secretsEncrypted: false })).toContain(
      'readable only by your user account',
    );
    expect(tokenStorageNote({ host: 'desktop', secretsEncrypted: false })).toContain(
      'asks before storing it in plain form',
    );
  });
});

describe('where the token in use really is', () => {
  it('says environment, token file, command line, state folder or memory as the engine reports it', () => {
    const note = (tokenLocation: Parameters<typeof storedTokenNote>[0]['tokenLocation']) =>
      storedTokenNote({ host: 'headless', secretsEncrypted: false, tokenLocation });
    expect(note('environment')).toMatch(/environment \(TUNECAMP_TOKEN\)/);
    expect(note('environment')).not.toMatch(/data folder/);
    expect(note('token-file')).toMatch(/--token-file/);
    expect(note('command-line')).toMatch(/command line/);
    expect(note('state-folder')).toMatch(/data folder/);
    expect(note('memory')).toMatch(/memory only/);
    expect(note('keyring')).toBeUndefined();
  });
});

describe('signInNow', () => {
  it('opens on the method in use: an API token given to the daemon', () => {
    expect(signInNow({ tokenLocation: 'environment' })).toEqual({
      mode: 'token',
      inUse: "Signed in now with an API token from the daemon's environment (TUNECAMP_TOKEN).",
    });
    expect(signInNow({ tokenLocation: 'token-file' }).mode).toBe('token');
    expect(signInNow({ tokenLocation: 'command-line' }).inUse).toMatch(/--token\)\.$/);
  });

  it('opens on username and password without a token, or with one a sign-in saved', () => {
    expect(signInNow(undefined)).toEqual({ mode: 'login' });
    expect(signInNow({})).toEqual({ mode: 'login' });
    expect(signInNow({ tokenLocation: 'keyring' })).toEqual({ mode: 'login' });
    expect(signInNow({ tokenLocation: 'state-folder' })).toEqual({ mode: 'login' });
  });
});
