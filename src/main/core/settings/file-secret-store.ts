import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import type { SecretStore } from './store';

/**
 * The headless daemon's token, in `<stateDir>/token`, apart from the settings so that settings can
 * be shown, copied or logged without leaking it. Plain text (`encrypted: false`) but mode 0600,
 * written atomically (temp file + rename) so a crash never leaves half a token.
 */
export class FileSecretStore implements SecretStore {
  readonly encrypted = false;
  readonly location = 'state-folder' as const;
  /** The token file. */
  readonly path: string;

  constructor(stateDir: string) {
    this.path = path.join(stateDir, 'token');
  }

  /** The stored token, or null when none is stored. Throws when the file exists but cannot be read. */
  async getToken(): Promise<string | null> {
    try {
      const token = (await readFile(this.path, 'utf8')).trim();
      return token === '' ? null : token;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return null;
      throw new Error(`Could not read the token file ${this.path}: ${e.message}`, { cause: err });
    }
  }

  /** Replaces the stored token. */
  async setToken(token: string): Promise<void> {
    const value = token.trim();
    if (value === '' || /\s/.test(value))
      throw new Error('The token is empty or contains spaces; paste it again.');
    // 0700 directory and 0600 file: other local users must not read the token.
    await mkdir(path.dirname(this.path), { recursive: true, mode: 0o700 });
    // Temp file, fsync, rename; a failed write (a full disk) removes its temp file, so no half
    // token is ever left beside the old one.
    await writeFileAtomic(this.path, value + '\n', { mode: 0o600 });
  }

  /** Forgets the token (sign out). */
  async clearToken(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
