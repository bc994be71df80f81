import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SafeStorageLike } from '../../src/main/electron/secret-store';
import { SECRET_FILE, createSecretStore } from '../../src/main/electron/secret-store';

/** Stands in for Electron's safeStorage (the binary is not available in tests): a reversible XOR. */
function fakeSafeStorage(
  available: boolean,
  backend?: string,
): SafeStorageLike & { available: boolean } {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  const s = {
    available,
    isEncryptionAvailable: () => s.available,
    getSelectedStorageBackend: () => backend ?? 'gnome_libsecret',
    encryptString: (p: string) => Buffer.concat([Buffer.from('v10'), xor(Buffer.from(p))]),
    decryptString: (b: Buffer) => {
      if (b.subarray(0, 3).toString() !== 'v10') throw new Error('bad');
      return xor(b.subarray(3)).toString();
    },
  };
  return s;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileText = () => readFile(path.join(dir, SECRET_FILE), 'utf8');

describe('createSecretStore', () => {
  it('encrypts when safeStorage really encrypts, and reads back after a restart', async () => {
    const safe = fakeSafeStorage(true);
    let asked = 0;
    const opts = {
      dir,
      safeStorage: safe,
      platform: 'linux' as const,
      askConsent: async () => (asked++, true),
    };
    const a = await createSecretStore(opts);
    expect(a.encrypted).toBe(true);
    await a.setToken('tc_secret123');
    expect(await fileText()).not.toContain('tc_secret123');
    expect((await stat(path.join(dir, SECRET_FILE))).mode & 0o077).toBe(0);
    const b = await createSecretStore(opts);
    expect(await b.getToken()).toBe('tc_secret123');
    expect(asked).toBe(0);
    await b.clearToken();
    expect(await b.getToken()).toBeNull();
    expect(await (await createSecretStore(opts)).getToken()).toBeNull();
  });

  it('asks once on basic_text and stores plain when the user agrees', async () => {
    const safe = fakeSafeStorage(true, 'basic_text');
    let asked = 0;
    const opts = {
      dir,
      safeStorage: safe,
      platform: 'linux' as const,
      askConsent: async () => (asked++, true),
    };
    const a = await createSecretStore(opts);
    expect(a.policy()).toBe('ask');
    await a.setToken('tok1');
    expect(asked).toBe(1);
    expect(a.policy()).toBe('plain');
    expect(a.encrypted).toBe(false);
    expect(JSON.parse(await fileText())).toMatchObject({
      plainConsent: true,
      token: { scheme: 'plain', data: 'tok1' },
    });
    const b = await createSecretStore(opts);
    await b.setToken('tok2');
    expect(asked).toBe(1);
    expect(await b.getToken()).toBe('tok2');
  });

  it('keeps the token in memory only when the user refuses a plain file', async () => {
    const safe = fakeSafeStorage(false);
    const opts = {
      dir,
      safeStorage: safe,
      platform: 'win32' as const,
      askConsent: async () => false,
    };
    const a = await createSecretStore(opts);
    await a.setToken('memonly');
    expect(await a.getToken()).toBe('memonly');
    expect(await fileText()).not.toContain('memonly');
    expect(a.policy()).toBe('refuse');
    expect(await (await createSecretStore(opts)).getToken()).toBeNull();
  });

  it('moves a plain token into encryption once the OS offers it', async () => {
    const safe = fakeSafeStorage(false);
    const opts = {
      dir,
      safeStorage: safe,
      platform: 'darwin' as const,
      askConsent: async () => true,
    };
    await (await createSecretStore(opts)).setToken('upgrade-me');
    expect(await fileText()).toContain('upgrade-me');
    safe.available = true;
    const b = await createSecretStore(opts);
    expect(await b.getToken()).toBe('upgrade-me');
    expect(await fileText()).not.toContain('upgrade-me');
    expect(await (await createSecretStore(opts)).getToken()).toBe('upgrade-me');
  });

  it('treats a damaged file or undecryptable token as no token', async () => {
    const safe = fakeSafeStorage(true);
    const opts = {
      dir,
      safeStorage: safe,
      platform: 'darwin' as const,
      askConsent: async () => true,
    };
    await writeFile(path.join(dir, SECRET_FILE), '{not json');
    expect(await (await createSecretStore(opts)).getToken()).toBeNull();
    await writeFile(
      path.join(dir, SECRET_FILE),
      JSON.stringify({ version: 1, token: { scheme: 'safeStorage', data: 'AAAA' } }),
    );
    expect(await (await createSecretStore(opts)).getToken()).toBeNull();
  });
});
