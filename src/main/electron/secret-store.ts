/**
 * The token at rest for the desktop app: encrypted with Electron's safeStorage when the OS offers
 * real encryption, otherwise per the user's choice (plain 0600 file, or memory only). Takes
 * safeStorage as a parameter so it runs, and is tested, without Electron.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger';
import type { SecretStore } from '../core/settings/store';
import type { KeyVault } from '../core/lan/identity';
import type { EncryptionFacts, SecretPolicy } from './secret-policy';
import { decideSecretPolicy, encryptionIsReal } from './secret-policy';

/** The part of Electron's safeStorage we use. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SecretStoreOptions {
  /** Folder for secrets.json (Electron's userData). */
  dir: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
  /** Asks the user whether a plain file is acceptable when no encryption exists (once, remembered). */
  askConsent: () => Promise<boolean>;
  log?: Logger;
}

/** The file's shape. `plainConsent` remembers the user's answer so we ask once. */
interface SecretFile {
  version: 1;
  plainConsent?: boolean;
  token?: { scheme: 'safeStorage' | 'plain'; data: string };
}

/** A SecretStore plus the policy in force (for the UI and logs). */
export interface DesktopSecretStore extends SecretStore {
  policy(): SecretPolicy;
}

/** The file name inside `dir`. */
export const SECRET_FILE = 'secrets.json';

function parse(text: string): SecretFile {
  const v = JSON.parse(text) as Partial<SecretFile> | null;
  const file: SecretFile = { version: 1 };
  if (typeof v?.plainConsent === 'boolean') file.plainConsent = v.plainConsent;
  const t = v?.token;
  if (t && (t.scheme === 'safeStorage' || t.scheme === 'plain') && typeof t.data === 'string') {
    file.token = { scheme: t.scheme, data: t.data };
  }
  return file;
}

/** Loads secrets.json (a missing or damaged file counts as empty) and returns the store. */
export async function createSecretStore(opts: SecretStoreOptions): Promise<DesktopSecretStore> {
  const file = path.join(opts.dir, SECRET_FILE);
  const facts = (): EncryptionFacts => ({
    platform: opts.platform ?? process.platform,
    available: opts.safeStorage.isEncryptionAvailable(),
    backend: opts.safeStorage.getSelectedStorageBackend?.(),
  });
  let state: SecretFile = { version: 1 };
  try {
    state = parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      opts.log?.warn(`Stored token could not be read (${(err as Error).message}); log in again.`);
    }
  }
  // Tokens kept only in memory because the user refused a plain file.
  let memoryToken: string | null = null;
  let writing: Promise<void> = Promise.resolve();

  const persist = (next: SecretFile): Promise<void> => {
    state = next;
    const text = JSON.stringify(next);
    const job = writing.then(async () => {
      await mkdir(opts.dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      // 0600: even encrypted, the token is nobody else's business on a shared machine.
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, file);
    });
    writing = job.catch(() => undefined);
    return job;
  };

  const policy = () => decideSecretPolicy(facts(), state.plainConsent);

  const store: DesktopSecretStore = {
    policy,
    get encrypted() {
      return policy() === 'encrypt';
    },
    async getToken() {
      if (memoryToken !== null) return memoryToken;
      const t = state.token;
      if (!t) return null;
      if (t.scheme === 'plain') {
        // Upgrade to encryption as soon as the OS offers it (e.g. a keyring was installed).
        if (encryptionIsReal(facts())) await store.setToken(t.data).catch(() => undefined);
        return t.data;
      }
      try {
        return opts.safeStorage.decryptString(Buffer.from(t.data, 'base64'));
      } catch {
        opts.log?.warn('The stored token cannot be decrypted on this system; log in again.');
        return null;
      }
    },
    async setToken(token) {
      let p = policy();
      if (p === 'ask') {
        const consent = await opts.askConsent();
        await persist({ ...state, plainConsent: consent });
        p = policy();
      }
      if (p === 'encrypt') {
        memoryToken = null;
        const data = opts.safeStorage.encryptString(token).toString('base64');
        return persist({ ...state, token: { scheme: 'safeStorage', data } });
      }
      if (p === 'plain') {
        memoryToken = null;
        return persist({ ...state, token: { scheme: 'plain', data: token } });
      }
      memoryToken = token;
      opts.log?.warn('No secure storage on this system: the token is kept until the app quits.');
      const { token: _dropped, ...rest } = state;
      return persist(rest);
    },
    async clearToken() {
      memoryToken = null;
      const { token: _dropped, ...rest } = state;
      return persist(rest);
    },
  };
  return store;
}

/**
 * The LAN identity's key sealed the way the token is (identity.ts's KeyVault), when safeStorage
 * really encrypts here; otherwise none, and the key stays in its 0600 file as on a headless box.
 */
export function keyVaultFor(
  store: DesktopSecretStore,
  safeStorage: SafeStorageLike,
): KeyVault | undefined {
  if (store.policy() !== 'encrypt') return undefined;
  return {
    scheme: 'safeStorage',
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
