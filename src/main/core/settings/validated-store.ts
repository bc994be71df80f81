import { EventEmitter } from 'node:events';
import type { Settings } from '../../../shared/contract';
import { CURRENT_SCHEMA_VERSION, loadSettings, validateSettingsPatch } from './schema';
import type { SecretStore, SettingsStore } from './store';

/** The raw persistence under a ValidatedStore: read whatever is stored, write valid settings. */
export interface SettingsBackend {
  /** The stored object as is (anything: it is migrated and validated after). */
  read(): unknown;
  /** Persists `s` atomically; throws when it cannot. */
  write(s: Settings): void;
}

/** Options of a ValidatedStore. */
export interface ValidatedStoreOptions {
  /** Reported as the store's `path`. */
  path: string;
  /** Problems the backend met before reading (a corrupt file set aside…), listed first. */
  problems?: string[];
}

function freeze(s: Settings): Settings {
  // Frozen so that a caller mutating get()'s result fails loudly instead of bypassing validation.
  for (const f of s.folders) {
    Object.freeze(f.exclude);
    Object.freeze(f);
  }
  Object.freeze(s.folders);
  Object.freeze(s.trackOverrides);
  Object.freeze(s.defaultExclude);
  return Object.freeze(s);
}

/**
 * The shared core of every settings store: migrates and validates what the backend holds once at
 * construction (never throws on bad content), then validates each update before persisting and
 * emitting. ConfSettingsStore and the Electron adapter are thin backends around it.
 */
export class ValidatedStore implements SettingsStore {
  readonly problems: string[];
  readonly path: string;
  /** A token found in an old (version 0) settings file; the caller moves it to the SecretStore. */
  readonly legacyToken: string | undefined;
  private current: Settings;
  private readonly events = new EventEmitter<{ change: [Settings] }>();

  constructor(
    private readonly backend: SettingsBackend,
    opts: ValidatedStoreOptions,
  ) {
    this.path = opts.path;
    const loaded = loadSettings(backend.read());
    this.problems = [...(opts.problems ?? []), ...loaded.problems];
    this.legacyToken = loaded.legacyToken;
    this.current = freeze(loaded.settings);
    // Save the migrated shape right away so the old one is read only once. Files from a newer
    // version are left alone: rewriting them would drop settings that version still needs.
    if (loaded.fromVersion < CURRENT_SCHEMA_VERSION) {
      try {
        backend.write(this.current);
      } catch (err) {
        this.problems.push(`Could not save the upgraded settings: ${(err as Error).message}`);
      }
    }
  }

  get(): Settings {
    return this.current;
  }

  update(patch: Partial<Settings>): Settings {
    const { patch: clean, problems } = validateSettingsPatch(patch);
    if (problems.length > 0) throw new Error(`Settings not saved: ${problems.join(' ')}`);
    const next = freeze({ ...this.current, ...clean, schemaVersion: CURRENT_SCHEMA_VERSION });
    this.backend.write(next);
    this.current = next;
    this.events.emit('change', next);
    return next;
  }

  on(event: 'change', fn: (s: Settings) => void): () => void {
    this.events.on(event, fn);
    return () => this.events.off(event, fn);
  }
}

/** A settings store that keeps everything in memory (tests, `--config` runs that must not save). */
export class MemorySettingsStore extends ValidatedStore {
  /** `initial` goes through the same migration and validation as a file would. */
  constructor(initial: unknown = {}) {
    let value = initial;
    super({ read: () => value, write: (s) => void (value = s) }, { path: '(memory)' });
  }
}

/** A token store in memory (tests). */
export class MemorySecretStore implements SecretStore {
  readonly encrypted = false;
  readonly location = 'memory' as const;
  constructor(private token: string | null = null) {}
  async getToken(): Promise<string | null> {
    return this.token;
  }
  async setToken(token: string): Promise<void> {
    this.token = token;
  }
  async clearToken(): Promise<void> {
    this.token = null;
  }
}
