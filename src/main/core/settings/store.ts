import type { Settings, TokenLocation } from '../../../shared/contract';

/**
 * The typed settings store every face uses (Electron, headless daemon, tests). Implementations
 * validate on load and on update, so `get()` always returns complete, valid settings.
 */
export interface SettingsStore {
  /** The current settings (a frozen object: copy before changing, then call update). */
  get(): Settings;
  /**
   * Validates `patch`, persists the merged settings atomically, emits `change` and returns them.
   * Throws an Error naming every invalid field when the patch is invalid; nothing is saved then.
   */
  update(patch: Partial<Settings>): Settings;
  /** Calls `fn` after each successful update; returns the unsubscribe function. */
  on(event: 'change', fn: (s: Settings) => void): () => void;
  /** What was wrong with the stored settings at load (shown to the user once). */
  readonly problems: string[];
  /** Where the settings live (a file path, or a label for in-memory stores). */
  readonly path: string;
}

/** Where the server token is kept, apart from the settings. */
export interface SecretStore {
  getToken(): Promise<string | null>;
  setToken(token: string): Promise<void>;
  clearToken(): Promise<void>;
  /** True when the token is encrypted at rest (Electron safeStorage); false for a plain file. */
  readonly encrypted: boolean;
  /** Where the token is kept, when the store can say (the window shows it in Settings). */
  readonly location?: TokenLocation;
}

export { ValidatedStore, MemorySettingsStore, MemorySecretStore } from './validated-store';
export type { SettingsBackend } from './validated-store';
export { ConfSettingsStore } from './conf-store';
export { FileSecretStore } from './file-secret-store';
