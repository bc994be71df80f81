import path from 'node:path';
import type { Settings, TokenLocation } from '../../shared/contract';
import {
  ConfSettingsStore,
  FileSecretStore,
  MemorySettingsStore,
  type SecretStore,
  type SettingsStore,
} from '../core/settings/store';
import { RunTokenStore } from './run-token';
import { defaultSettings } from '../core/settings/schema';
import { normalizeServerUrl } from '../core/tunnel/server-url';
import type { CliOptions } from './args';

/**
 * The settings the command line asks for, over those of a `--config` file: flags and environment
 * win. Returns a one-line error for a malformed server address.
 */
export function settingsFromOptions(
  o: CliOptions,
  config: Partial<Settings>,
): { settings: Partial<Settings> } | { error: string } {
  const s: Partial<Settings> = { ...config };
  if (o.server !== undefined) {
    const norm = normalizeServerUrl(o.server);
    if (!norm.ok) return { error: `bad --server address: ${norm.error}` };
    s.server = norm.url;
  } else if (s.server) {
    const norm = normalizeServerUrl(s.server);
    if (!norm.ok) return { error: `bad server address in config: ${norm.error}` };
    s.server = norm.url;
  }
  if (o.shares.length > 0) {
    const previous = new Map((config.folders ?? []).map((f) => [path.resolve(f.path), f]));
    s.folders = [...new Set(o.shares.map((p) => path.resolve(p)))].map(
      (p) => previous.get(p) ?? { path: p, download: 'inherit', exclude: [] },
    );
  } else if (s.folders) {
    s.folders = s.folders.map((f) => ({ ...f, path: path.resolve(f.path) }));
  }
  if (o.allowDownloads !== undefined) s.allowDownloads = o.allowDownloads;
  if (o.maxTransfers !== undefined) s.maxConcurrentTransfers = o.maxTransfers;
  if (o.lan) {
    const lan = { ...defaultSettings().lan, ...config.lan, enabled: true };
    s.lan = {
      ...lan,
      port: o.lanPort ?? lan.port,
      host: o.lanHost ?? lan.host,
      ...(o.lanInterfaces ? { interfaces: o.lanInterfaces } : {}),
    };
  }
  return { settings: s };
}

/** Checks every folder exists, is a directory and is readable (the window's checks too). */
export { checkFolders } from '../core/folder-check';

/**
 * The daemon's stores: settings in `<stateDir>/settings.json` (via conf) with the command line
 * applied on top, and the token kept apart. A token from the command line or environment is
 * used for this run without being written to disk; one set from the control window is saved.
 * `ephemeral` (for --scan-only) touches no settings on disk.
 */
export async function buildStores(
  stateDir: string,
  patch: Partial<Settings>,
  token: string | null,
  ephemeral: boolean,
  source: TokenLocation = 'environment',
): Promise<{ settings: SettingsStore; secrets: SecretStore; problems: string[] }> {
  if (ephemeral) {
    const settings = new MemorySettingsStore();
    settings.update(patch);
    return { settings, secrets: new RunTokenStore(null, null), problems: [] };
  }
  let settings: SettingsStore = new ConfSettingsStore(stateDir);
  if (Object.keys(patch).length > 0) settings = applyOrKeep(settings, patch);
  const file = new FileSecretStore(stateDir);
  const secrets = token ? new RunTokenStore(token, file, source) : file;
  return { settings, secrets, problems: settings.problems };
}

/**
 * Applies the command line's settings; when they cannot be saved (a full or read-only state
 * folder) the daemon still runs on them, from memory, with a problem that says so (the engine
 * shows settings problems at start) instead of ending in an ENOSPC stack trace.
 */
function applyOrKeep(stored: SettingsStore, patch: Partial<Settings>): SettingsStore {
  try {
    stored.update(patch);
    return stored;
  } catch (err) {
    if (!(err as NodeJS.ErrnoException).code) throw err; // invalid settings, not the disk
    const run = new MemorySettingsStore({ ...stored.get(), ...patch });
    run.problems.push(
      ...stored.problems,
      `${(err as Error).message.replace(/\.$/, '')}; this run uses them from memory.`,
    );
    return run;
  }
}
