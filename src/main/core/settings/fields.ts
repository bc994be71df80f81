import { isIP } from 'node:net';
import path from 'node:path';
import type {
  DownloadPolicy,
  FolderOptions,
  LanSettings,
  Settings,
} from '../../../shared/contract';

/**
 * One checker per settings field. A checker returns the (possibly clamped or cleaned) value, or
 * undefined when the value is unusable and the default must stand. Every correction is described
 * in `problems` by the rule and the bad value (not the consequence), so the same words read right
 * both when loading ("this was ignored") and when an update is refused.
 */
export type FieldCheck<K extends keyof Settings> = (
  value: unknown,
  problems: string[],
) => Settings[K] | undefined;

/** The LAN server's port unless the user picks another (fixed, so players can keep their URLs). */
export const DEFAULT_LAN_PORT = 47310;

const POLICIES: readonly DownloadPolicy[] = ['inherit', 'allow', 'deny'];
const TRACK_ID = /^[0-9a-f]{1,128}$/;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a bad value for messages: `null`, `a list`, `number 5`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string')
    return `text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v;
}

function text(name: string): (v: unknown, problems: string[]) => string | undefined {
  return (v, problems) => {
    if (typeof v === 'string') return v.trim();
    problems.push(`Setting "${name}" must be text (got ${describe(v)}).`);
    return undefined;
  };
}

function flag(name: string): (v: unknown, problems: string[]) => boolean | undefined {
  return (v, problems) => {
    if (typeof v === 'boolean') return v;
    problems.push(`Setting "${name}" must be true or false (got ${describe(v)}).`);
    return undefined;
  };
}

function num(
  name: string,
  min: number,
  max: number,
  integer: boolean,
): (v: unknown, problems: string[]) => number | undefined {
  return (v, problems) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push(`Setting "${name}" must be a number (got ${describe(v)}).`);
      return undefined;
    }
    const n = integer ? Math.round(v) : v;
    if (n >= min && n <= max) return n;
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `between ${min} and ${max}`;
    problems.push(`Setting "${name}" must be ${range} (got ${v}).`);
    return n < min ? min : max;
  };
}

function patterns(name: string, v: unknown, problems: string[]): string[] | undefined {
  if (!Array.isArray(v)) {
    problems.push(`${name} must be a list of patterns (got ${describe(v)}).`);
    return undefined;
  }
  const out = v.filter((p): p is string => typeof p === 'string');
  if (out.length !== v.length) {
    problems.push(`${name}: ${v.length - out.length} entries are not text.`);
  }
  return out;
}

function folder(item: unknown, index: number, problems: string[]): FolderOptions | null {
  // A bare path string is accepted too: older files and hand-written configs list folders that way.
  const raw = typeof item === 'string' ? { path: item } : item;
  const label = `Folder #${index + 1}`;
  if (!isRecord(raw)) {
    problems.push(`${label} is not a folder entry (got ${describe(item)}).`);
    return null;
  }
  if (typeof raw.path !== 'string' || !path.isAbsolute(raw.path)) {
    problems.push(`${label} needs an absolute path (got ${describe(raw.path)}).`);
    return null;
  }
  const p = path.resolve(raw.path);
  let download: DownloadPolicy = 'inherit';
  if (raw.download !== undefined) {
    if (POLICIES.includes(raw.download as DownloadPolicy))
      download = raw.download as DownloadPolicy;
    else
      problems.push(
        `${p}: download must be inherit, allow or deny (got ${describe(raw.download)}).`,
      );
  }
  const exclude =
    raw.exclude === undefined ? [] : (patterns(`${p}: exclude`, raw.exclude, problems) ?? []);
  if (raw.appOnly !== undefined && typeof raw.appOnly !== 'boolean')
    problems.push(`${p}: appOnly must be true or false (got ${describe(raw.appOnly)}).`);
  return raw.appOnly === true
    ? { path: p, download, exclude, appOnly: true }
    : { path: p, download, exclude };
}

const folders: FieldCheck<'folders'> = (v, problems) => {
  if (!Array.isArray(v)) {
    problems.push(`Setting "folders" must be a list (got ${describe(v)}).`);
    return undefined;
  }
  const out: FolderOptions[] = [];
  const seen = new Set<string>();
  v.forEach((item, i) => {
    const f = folder(item, i, problems);
    if (!f) return;
    if (seen.has(f.path)) {
      problems.push(`${f.path} is listed twice.`);
      return;
    }
    seen.add(f.path);
    out.push(f);
  });
  return out;
};

const trackOverrides: FieldCheck<'trackOverrides'> = (v, problems) => {
  if (!isRecord(v)) {
    problems.push(`Setting "trackOverrides" must be an object (got ${describe(v)}).`);
    return undefined;
  }
  const out: Record<string, 'allow' | 'deny'> = {};
  const bad: string[] = [];
  for (const [key, value] of Object.entries(v)) {
    const id = key.toLowerCase();
    if (TRACK_ID.test(id) && (value === 'allow' || value === 'deny')) out[id] = value;
    else bad.push(key);
  }
  if (bad.length > 0) {
    problems.push(
      `${bad.length} track override(s) are invalid (first: ${JSON.stringify(bad[0])}): ids must be hex, values "allow" or "deny".`,
    );
  }
  return out;
};

/**
 * The LAN switch. Missing fields take their defaults; the host must be an IP literal, since a
 * name would be resolved by whoever controls DNS.
 */
const lan: FieldCheck<'lan'> = (v, problems) => {
  if (!isRecord(v)) {
    problems.push(`Setting "lan" must be an object (got ${describe(v)}).`);
    return undefined;
  }
  const out: LanSettings = { enabled: false, port: DEFAULT_LAN_PORT, host: '0.0.0.0' };
  if (v.enabled !== undefined) out.enabled = flag('lan.enabled')(v.enabled, problems) ?? false;
  if (v.port !== undefined)
    out.port = num('lan.port', 0, 65535, true)(v.port, problems) ?? out.port;
  if (v.host !== undefined) {
    const host = typeof v.host === 'string' ? v.host.trim() : '';
    if (isIP(host) !== 0) out.host = host;
    else problems.push(`Setting "lan.host" must be an IP address (got ${describe(v.host)}).`);
  }
  if (v.interfaces !== undefined) {
    const list = Array.isArray(v.interfaces) ? v.interfaces : null;
    // Interface names as the OS spells them: short, no spaces or slashes.
    if (
      list &&
      list.length <= 16 &&
      list.every((n) => typeof n === 'string' && /^[\w.:@-]{1,32}$/.test(n))
    )
      out.interfaces = [...new Set(list as string[])];
    else
      problems.push(
        `Setting "lan.interfaces" must be a list of interface names (got ${describe(v.interfaces)}).`,
      );
  }
  for (const k of Object.keys(v)) {
    if (!['enabled', 'port', 'host', 'interfaces'].includes(k))
      problems.push(`Unknown setting "lan.${k}" ignored.`);
  }
  return out;
};

/** The checker of every settings field except `schemaVersion` (which the schema owns). */
export const FIELD_CHECKS: { [K in Exclude<keyof Settings, 'schemaVersion'>]: FieldCheck<K> } = {
  server: text('server'),
  username: text('username'),
  allowDownloads: flag('allowDownloads'),
  folders,
  trackOverrides,
  maxConcurrentTransfers: num('maxConcurrentTransfers', 1, 64, true),
  uploadRateLimit: num('uploadRateLimit', 0, Number.MAX_SAFE_INTEGER, true),
  paused: flag('paused'),
  autostart: flag('autostart'),
  notifications: flag('notifications'),
  defaultExclude: (v, problems) => patterns('Setting "defaultExclude"', v, problems),
  rescanIntervalHours: num('rescanIntervalHours', 0.25, 168, false),
  pollIntervalSeconds: num('pollIntervalSeconds', 10, 86_400, true),
  lan,
};
