/**
 * Validation of command calls that cross a trust boundary (Electron IPC from the renderer, the
 * remote-control WebSocket). Every argument tuple is checked against the shape in `Commands` and
 * rebuilt from known fields only, so nothing unexpected reaches the engine.
 */
import type { CommandArgs, CommandName, DownloadPolicy, LanSettings, Settings } from './contract';
import { COMMAND_NAMES } from './contract';
import { peerValidators } from './validate-peer';
import { roomValidators } from './validate-room';

/** Outcome of a validation: the cleaned value, or a message saying what was wrong. */
export type Checked<T> = { ok: true; args: T } | { ok: false; error: string };

/** A validated call: its name and the cleaned argument tuple, correlated. */
export type ValidCall = {
  [K in CommandName]: { ok: true; name: K; args: CommandArgs<K> };
}[CommandName];

/** Upper bounds; generous for real use, small enough that a hostile caller cannot exhaust memory. */
export const LIMITS = {
  string: 4096,
  token: 16_384,
  password: 1024,
  folders: 1000,
  trackIds: 100_000,
  patterns: 1000,
  pattern: 1024,
} as const;

class Invalid extends Error {}

const fail = (message: string): never => {
  throw new Invalid(message);
};

function str(v: unknown, what: string, max: number = LIMITS.string): string {
  if (typeof v !== 'string') return fail(`${what} must be a string`);
  if (v.length === 0) return fail(`${what} must not be empty`);
  if (v.length > max) return fail(`${what} is too long (at most ${max} characters)`);
  // NUL bytes truncate paths in native APIs and have no business in any of our strings.
  if (v.includes('\0')) return fail(`${what} contains a NUL character`);
  return v;
}

/** True for `/x`, `C:\x`, `C:/x` and UNC `\\host\share` paths. */
export function looksAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || /^\\\\[^\\]+\\[^\\]+/.test(p);
}

function folderPath(v: unknown, what = 'folder'): string {
  const p = str(v, what);
  if (!looksAbsolute(p)) fail(`${what} must be an absolute path`);
  return p;
}

function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') fail(`${what} must be true or false`);
  return v as boolean;
}

function num(v: unknown, what: string, min: number, max: number, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`${what} must be a finite number`);
  if (integer && !Number.isInteger(v)) fail(`${what} must be a whole number`);
  if (v < min || v > max) fail(`${what} must be between ${min} and ${max}`);
  return v;
}

function list<T>(v: unknown, what: string, max: number, item: (x: unknown, w: string) => T): T[] {
  if (!Array.isArray(v)) return fail(`${what} must be a list`);
  if (v.length > max) fail(`${what} has too many entries (at most ${max})`);
  return v.map((x, i) => item(x, `${what}[${i}]`));
}

function record(v: unknown, what: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return fail(`${what} must be an object`);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) fail(`${what} has an unknown field "${k.slice(0, 64)}"`);
  }
  return v as Record<string, unknown>;
}

const POLICIES: readonly DownloadPolicy[] = ['inherit', 'allow', 'deny'];

function policy(v: unknown, what: string): DownloadPolicy {
  if (!POLICIES.includes(v as DownloadPolicy))
    fail(`${what} must be one of ${POLICIES.join(', ')}`);
  return v as DownloadPolicy;
}

function trackId(v: unknown, what: string): string {
  const id = str(v, what, 128);
  if (!/^[0-9a-f]+$/.test(id)) fail(`${what} must be a lowercase hex id`);
  return id;
}

const pattern = (v: unknown, w: string) => str(v, w, LIMITS.pattern);

function server(v: unknown): string {
  const s = str(v, 'server address', 2048).trim();
  if (!/^https?:\/\/[^\s]+$/i.test(s) && !/^[^\s/]+[^\s]*$/.test(s))
    fail('server address is not a URL');
  return s;
}

/** The LAN switch: a port and an IP address to bind (a name would be resolved behind our back). */
function lan(v: unknown): LanSettings {
  const o = record(v, 'lan', ['enabled', 'port', 'host', 'interfaces']);
  const host = str(o.host, 'lan.host', 64);
  if (!/^[0-9a-fA-F:.]+$/.test(host)) fail('lan.host must be an IP address');
  // Interface names as the system gives them (eth0, wlp2s0, enp0s31f6.10): no paths, no spaces.
  const interfaces =
    o.interfaces === undefined
      ? undefined
      : list(o.interfaces, 'lan.interfaces', 16, (x, w) => {
          const name = str(x, w, 32);
          if (!/^[A-Za-z0-9_.:-]+$/.test(name)) fail(`${w} must be a network interface name`);
          return name;
        });
  return {
    enabled: bool(o.enabled, 'lan.enabled'),
    port: num(o.port, 'lan.port', 0, 65535, true),
    host,
    ...(interfaces && { interfaces }),
  };
}

/** A LAN device name (the engine checks the characters; this bounds the size). */
const deviceName = (v: unknown) => str(v, 'device name', 64);

type PatchKey = keyof CommandArgs<'updateSettings'>[0];

/**
 * Settings the renderer may change through updateSettings, with their allowed values (the same
 * ranges as the settings schema in core/settings/fields.ts, which checks again on save).
 */
const PATCH_CHECKS: { [K in PatchKey]-?: (v: unknown) => Settings[K] } = {
  maxConcurrentTransfers: (v) => num(v, 'maxConcurrentTransfers', 1, 64, true),
  uploadRateLimit: (v) => num(v, 'uploadRateLimit', 0, Number.MAX_SAFE_INTEGER, true),
  autostart: (v) => bool(v, 'autostart'),
  notifications: (v) => bool(v, 'notifications'),
  defaultExclude: (v) => list(v, 'defaultExclude', LIMITS.patterns, pattern),
  rescanIntervalHours: (v) => num(v, 'rescanIntervalHours', 0.25, 168, false),
  pollIntervalSeconds: (v) => num(v, 'pollIntervalSeconds', 10, 86_400, true),
  lan,
};

const PATCH_KEYS = Object.keys(PATCH_CHECKS);

function arity(args: unknown[], n: number): void {
  if (args.length !== n) fail(`expected ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

/** One validator per command: takes the raw argument list, returns the cleaned tuple or throws. */
const VALIDATORS: { [K in CommandName]: (args: unknown[]) => CommandArgs<K> } = {
  getSnapshot: (a) => (arity(a, 0), []),
  listTracks: (a) => (arity(a, 0), []),
  signOut: (a) => (arity(a, 0), []),
  pickFolders: (a) => (arity(a, 0), []),
  openLogs: (a) => (arity(a, 0), []),
  listLanDevices: (a) => (arity(a, 0), []),
  createLanToken: (a) => (arity(a, 1), [deviceName(a[0])]),
  revokeLanToken: (a) => (arity(a, 1), [deviceName(a[0])]),
  getNearby: (a) => (arity(a, 0), []),
  createPairLink: (a) => (arity(a, 0), []),
  pairWithLink: (a) => (arity(a, 1), [str(a[0], 'pairing link', 512).trim()]),
  ...peerValidators({ str, bool, list, record, arity, fail, folderPath }),
  ...roomValidators({ str, bool, list, record, arity, fail, folderPath, num }),
  pairByName: (a) => {
    arity(a, 1);
    const id = str(a[0], 'device id', 64).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(id)) fail('the device id must be 64 hex characters');
    return [id];
  },
  confirmPairByName: (a) => (
    arity(a, 2),
    [str(a[0], 'pairing', 64), bool(a[1], 'whether the codes match')]
  ),
  answerPairRequest: (a) => (
    arity(a, 2),
    [str(a[0], 'pairing request', 64), bool(a[1], 'the answer')]
  ),
  unpairDevice: (a) => {
    arity(a, 1);
    const id = str(a[0], 'device id', 64).toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(id)) throw new Error('unpairDevice: the device id must be hex');
    return [id];
  },
  connect: (a) => {
    arity(a, 1);
    const o = record(a[0], 'connection details', ['server', 'token']);
    return [{ server: server(o.server), token: str(o.token, 'token', LIMITS.token).trim() }];
  },
  login: (a) => {
    arity(a, 1);
    const o = record(a[0], 'login details', ['server', 'username', 'password']);
    return [
      {
        server: server(o.server),
        username: str(o.username, 'username', 256),
        password: str(o.password, 'password', LIMITS.password),
      },
    ];
  },
  addFolders: (a) => {
    arity(a, 1);
    const folders = list(a[0], 'folders', LIMITS.folders, (x, w) => folderPath(x, w));
    if (folders.length === 0) fail('folders must not be empty');
    return [folders];
  },
  removeFolder: (a) => (arity(a, 1), [folderPath(a[0])]),
  rescan: (a) => (arity(a, 1), [a[0] === null ? null : folderPath(a[0])]),
  setFolderOptions: (a) => {
    arity(a, 2);
    const o = record(a[1], 'folder options', ['download', 'exclude', 'appOnly']);
    const opts: { download?: DownloadPolicy; exclude?: string[]; appOnly?: boolean } = {};
    if (o.appOnly !== undefined) opts.appOnly = bool(o.appOnly, 'appOnly');
    if (o.download !== undefined) opts.download = policy(o.download, 'download');
    if (o.exclude !== undefined)
      opts.exclude = list(o.exclude, 'exclude', LIMITS.patterns, pattern);
    return [folderPath(a[0]), opts];
  },
  setTrackDownload: (a) => {
    arity(a, 2);
    return [list(a[0], 'track ids', LIMITS.trackIds, trackId), policy(a[1], 'download')];
  },
  setGlobalDownloads: (a) => (arity(a, 1), [bool(a[0], 'allowDownloads')]),
  setPaused: (a) => (arity(a, 1), [bool(a[0], 'paused')]),
  updateSettings: (a) => {
    arity(a, 1);
    const o = record(a[0], 'settings', PATCH_KEYS);
    const patch: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (v !== undefined) patch[k] = PATCH_CHECKS[k as PatchKey](v);
    }
    return [patch as CommandArgs<'updateSettings'>[0]];
  },
};

/** True if `name` is one of the contract's commands. */
export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && (COMMAND_NAMES as readonly string[]).includes(name);
}

/** Validates one command's arguments; never throws. */
export function validateArgs<K extends CommandName>(
  name: K,
  args: unknown,
): Checked<CommandArgs<K>> {
  if (!Array.isArray(args)) return { ok: false, error: `${name}: arguments must be a list` };
  try {
    return { ok: true, args: VALIDATORS[name](args) as CommandArgs<K> };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: `${name}: ${err.message}` };
    throw err;
  }
}

/**
 * Validates a whole call from an untrusted caller: unknown names are refused, arguments are checked
 * and cleaned. Never throws; the error text is safe to show and send back.
 */
export function validateCall(
  name: unknown,
  args: unknown,
): ValidCall | { ok: false; error: string } {
  if (!isCommandName(name)) {
    const shown = typeof name === 'string' ? `"${name.slice(0, 64)}"` : typeof name;
    return { ok: false, error: `unknown command ${shown}` };
  }
  const checked = validateArgs(name, args);
  if (!checked.ok) return checked;
  return { ok: true, name, args: checked.args } as ValidCall;
}
