/**
 * Per-device Bearer tokens for third-party players on the LAN (Cranpose's peer mode). A token is
 * 256 random bits, shown once when created; only its SHA-256 is stored, in
 * `<stateDir>/lan-tokens.json` (mode 0600). The daemon and the `lan-token` command line share the
 * file, so every change re-reads it first, and a running server notices changes (`refresh`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';

/** A device allowed to read over the LAN, as listed (never with its token). */
export interface LanDevice {
  name: string;
  /** Epoch ms. */
  createdAt: number;
}

interface StoredDevice extends LanDevice {
  /** Hex SHA-256 of the token. */
  hash: string;
}

/** The file name in the state folder. */
export const LAN_TOKENS_FILE = 'lan-tokens.json';
/** Every token starts with this, so a leaked one is recognisable (and greppable) as ours. */
export const LAN_TOKEN_PREFIX = 'tcl_';
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,63}$/u;
const TOKEN = /^tcl_[A-Za-z0-9_-]{43}$/;

/** A device name problem in words, or undefined when `name` is fine. */
export function checkDeviceName(name: string): string | undefined {
  if (NAME.test(name)) return undefined;
  return "a device name is 1 to 64 letters, digits, spaces or . _ ' - and starts with a letter or digit";
}

/**
 * SHA-256, not scrypt: the token has 256 bits of entropy, so a stolen hash cannot be reversed by
 * guessing, and a slow hash would cost tens of ms on every range request (a player seeking sends
 * many). Slow hashes are for passwords people choose.
 */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token store; `revoked` fires with each name that disappears (here or in the file). */
export class LanTokens extends EventEmitter<{ revoked: [name: string] }> {
  private devices: StoredDevice[] = [];
  /** hash → name, for constant-work lookups. */
  private byHash = new Map<string, string>();
  /** The file version last read (inode and mtime: every save renames a new file into place). */
  private fileStamp = '-';
  /** Why the file could not be read (then no device gets in until it is fixed or deleted). */
  problem: string | undefined;
  private readonly file: string;

  private constructor(stateDir: string) {
    super();
    this.file = path.join(stateDir, LAN_TOKENS_FILE);
  }

  /** Opens the store of `stateDir` (an absent file is an empty store; a damaged one sets `problem`). */
  static async open(stateDir: string): Promise<LanTokens> {
    const t = new LanTokens(stateDir);
    await t.refresh();
    return t;
  }

  /** The devices, oldest first. */
  list(): LanDevice[] {
    return this.devices.map(({ name, createdAt }) => ({ name, createdAt }));
  }

  /** Creates a device and returns its token: the only time the token exists outside the client. */
  async create(name: string): Promise<{ name: string; token: string }> {
    const clean = name.trim();
    const problem = checkDeviceName(clean);
    if (problem) throw new Error(`Cannot add "${clean.slice(0, 64)}": ${problem}.`);
    await this.fresh();
    if (this.devices.some((d) => d.name.toLowerCase() === clean.toLowerCase()))
      throw new Error(
        `A device named "${clean}" already exists: revoke it first or pick another name.`,
      );
    const token = LAN_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await this.save([
      ...this.devices,
      { name: clean, createdAt: Date.now(), hash: hashToken(token) },
    ]);
    return { name: clean, token };
  }

  /** Revokes one device; false when there is none by that name. Its open responses are cut. */
  async revoke(name: string): Promise<boolean> {
    await this.fresh();
    const key = name.trim().toLowerCase();
    const gone = this.devices.find((d) => d.name.toLowerCase() === key);
    if (!gone) return false;
    await this.save(this.devices.filter((d) => d !== gone));
    this.emit('revoked', gone.name);
    return true;
  }

  /** The device an `Authorization` header belongs to, or undefined (absent, malformed, unknown). */
  verify(authorization: string | undefined): string | undefined {
    if (!authorization || authorization.length > 128) return undefined;
    const m = /^Bearer +(\S+)$/i.exec(authorization);
    const token = m?.[1];
    if (!token || !TOKEN.test(token)) return undefined;
    const hash = hashToken(token);
    const name = this.byHash.get(hash);
    if (name === undefined) return undefined;
    // The map found it by the hash of the caller's own guess; compare again in constant time anyway.
    const stored = this.devices.find((d) => d.name === name)?.hash ?? '';
    return timingSafeEqual(Buffer.from(stored, 'hex'), Buffer.from(hash, 'hex')) ? name : undefined;
  }

  /**
   * Re-reads the file when it changed (the command line edited it); emits `revoked` for removals.
   * Never rejects: a damaged file counts as no devices (nobody gets in) and sets `problem`.
   */
  async refresh(): Promise<void> {
    const stamp = await fileStamp(this.file);
    if (stamp === this.fileStamp) return;
    this.fileStamp = stamp;
    let devices: StoredDevice[] = [];
    try {
      devices = stamp === '' ? [] : parse(await readFile(this.file, 'utf8'), this.file);
      this.problem = undefined;
    } catch (err) {
      this.problem = (err as Error).message;
    }
    const before = new Set(this.devices.map((d) => d.name));
    this.set(devices);
    for (const d of devices) before.delete(d.name);
    for (const name of before) this.emit('revoked', name);
  }

  /** Re-reads the file before a change; refuses to write over a file it could not read. */
  private async fresh(): Promise<void> {
    await this.refresh();
    if (this.problem) throw new Error(this.problem);
  }

  private async save(devices: StoredDevice[]): Promise<void> {
    const text = JSON.stringify({ version: 1, devices }, null, 2) + '\n';
    await writeFileAtomic(this.file, text, { mode: 0o600 });
    this.set(devices);
    this.fileStamp = await fileStamp(this.file);
  }

  private set(devices: StoredDevice[]): void {
    this.devices = devices;
    this.byHash = new Map(devices.map((d) => [d.hash, d.name]));
  }
}

/** Inode, size and mtime of the file, or '' when there is none. */
function fileStamp(file: string): Promise<string> {
  return stat(file).then(
    (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
    () => '',
  );
}

/** Reads the file's devices, refusing anything that is not exactly what `save` writes. */
function parse(text: string, file: string): StoredDevice[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(
      `${file} is not valid JSON: fix or delete it (until then no LAN device gets in).`,
    );
  }
  const devices = (raw as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(devices)) throw new Error(`${file} has no "devices" list.`);
  return devices.filter(
    (d): d is StoredDevice =>
      typeof d?.name === 'string' &&
      typeof d.hash === 'string' &&
      /^[0-9a-f]{64}$/.test(d.hash) &&
      typeof d.createdAt === 'number',
  );
}
