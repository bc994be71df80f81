import type { Settings } from '../../../shared/contract';
import { DEFAULT_LAN_PORT, FIELD_CHECKS, describe, isRecord } from './fields';

export { DEFAULT_LAN_PORT } from './fields';

/** The schema version this build writes. Older files are migrated on load (see migrateSettings). */
export const CURRENT_SCHEMA_VERSION = 1;

/** Fresh settings for a first run: nothing shared, downloads allowed, sane transfer limits. */
export function defaultSettings(): Settings {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    server: '',
    username: '',
    allowDownloads: true,
    folders: [],
    trackOverrides: {},
    maxConcurrentTransfers: 6,
    uploadRateLimit: 0,
    paused: false,
    autostart: true,
    notifications: true,
    defaultExclude: [],
    rescanIntervalHours: 6,
    pollIntervalSeconds: 60,
    // Off until the user turns it on; then every IPv4 interface, as LAN players need (docs/LAN.md).
    lan: { enabled: false, port: DEFAULT_LAN_PORT, host: '0.0.0.0' },
  };
}

/** Keys a stored or hand-written settings object may hold without being reported as unknown. */
const TOLERATED = new Set(['schemaVersion', '__internal__']);

/**
 * Validates the fields present in `raw` and returns only those (for `--config` files and
 * `update()` patches). Never throws: unusable values are left out, out-of-range numbers are
 * clamped, and each correction or unknown key is described in `problems`.
 */
export function validateSettingsPatch(raw: unknown): {
  patch: Partial<Settings>;
  problems: string[];
} {
  const problems: string[] = [];
  if (!isRecord(raw)) {
    problems.push(`Settings must be an object (got ${describe(raw)}).`);
    return { patch: {}, problems };
  }
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (Object.hasOwn(FIELD_CHECKS, key)) {
      const check = FIELD_CHECKS[key as keyof typeof FIELD_CHECKS] as (
        v: unknown,
        p: string[],
      ) => unknown;
      const checked = check(value, problems);
      if (checked !== undefined) patch[key] = checked;
    } else if (!TOLERATED.has(key)) {
      problems.push(`Unknown setting "${key}" ignored.`);
    }
  }
  return { patch: patch as Partial<Settings>, problems };
}

/**
 * Turns anything read from disk into complete, valid settings. Never throws: valid fields are
 * kept, missing ones take their defaults silently, invalid ones take their defaults with a
 * human-readable problem each (a non-object gives all defaults and one problem).
 */
export function validateSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const { patch, problems } = validateSettingsPatch(raw);
  return {
    settings: { ...defaultSettings(), ...patch, schemaVersion: CURRENT_SCHEMA_VERSION },
    problems,
  };
}

/** What migrateSettings produced: an object in the current shape (not yet validated). */
export interface Migration {
  value: unknown;
  /** The version the input was in (CURRENT_SCHEMA_VERSION when nothing was migrated). */
  fromVersion: number;
  problems: string[];
  /** A token found in an old settings file; the caller moves it to the secret store. */
  legacyToken?: string;
}

const V0_KEYS = ['serverUrl', 'shareDirs'];

/**
 * Brings settings written by older versions to the current shape. Version 0 is the
 * tunecamp-peer file `{ serverUrl, shareDirs: string[], allowDownloads }` (recognised by those
 * keys, as it had no version field). Never throws; the result still needs validateSettings.
 */
export function migrateSettings(raw: unknown): Migration {
  if (!isRecord(raw)) return { value: raw, fromVersion: CURRENT_SCHEMA_VERSION, problems: [] };
  const version = raw.schemaVersion;
  if (version === undefined && V0_KEYS.some((k) => k in raw)) return fromV0(raw);
  if (typeof version === 'number' && version > CURRENT_SCHEMA_VERSION) {
    return {
      value: raw,
      fromVersion: version,
      problems: [
        `Settings were saved by a newer version (schema ${version}); settings this version does not know are ignored.`,
      ],
    };
  }
  return { value: raw, fromVersion: CURRENT_SCHEMA_VERSION, problems: [] };
}

function fromV0(raw: Record<string, unknown>): Migration {
  const problems: string[] = [];
  const value: Record<string, unknown> = { schemaVersion: CURRENT_SCHEMA_VERSION };
  let legacyToken: string | undefined;
  for (const [key, v] of Object.entries(raw)) {
    if (key === 'serverUrl') value.server = v;
    else if (key === 'shareDirs') value.folders = v;
    else if (key === 'allowDownloads' || key === 'username') value[key] = v;
    // The old tool kept the token beside the settings; it must not stay in a plain settings file.
    else if (key === 'token' && typeof v === 'string' && v !== '') legacyToken = v;
    else problems.push(`Old setting "${key}" is no longer used and was dropped.`);
  }
  return { value, fromVersion: 0, problems, legacyToken };
}

/** migrateSettings then validateSettings: what every store runs on what it reads. */
export function loadSettings(raw: unknown): {
  settings: Settings;
  problems: string[];
  fromVersion: number;
  legacyToken?: string;
} {
  const m = migrateSettings(raw);
  const v = validateSettings(m.value);
  return {
    settings: v.settings,
    problems: [...m.problems, ...v.problems],
    fromVersion: m.fromVersion,
    legacyToken: m.legacyToken,
  };
}
