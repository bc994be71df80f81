/**
 * The devices this one has paired with: `<stateDir>/peers.json` (0600), each with its id (the
 * certificate hash it must present), the name it gave, and what it may do. Written atomically;
 * re-read on demand so a change made from the command line reaches a running daemon.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write';

/** What a paired device may do here. */
export interface Grants {
  browse: boolean;
  stream: boolean;
  download: boolean;
}

/** A paired device. */
export interface PairedPeer {
  id: string;
  name: string;
  /** The defaults, for every shared folder without its own entry in `folders`. */
  grants: Grants;
  /** Per shared folder (its path on this machine), overriding `grants`. */
  folders?: Record<string, Grants>;
  /** Where its peer listener was last reached or seen (`HOST:PORT`). */
  address?: string;
  pairedAt: number;
}

/** What `peer` may do with the tracks of the shared folder `folder`. */
export function grantsFor(peer: PairedPeer, folder: string): Grants {
  return peer.folders?.[folder] ?? peer.grants;
}

/** `HOST:PORT` with an IP literal host (IPv6 in brackets), or null. */
export function parseAddress(text: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  return isIP(host) !== 0 && port >= 1 && port <= 65535 ? { host, port } : null;
}

/** Writes an address as `parseAddress` reads it. */
export function formatAddress(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

const FILE = 'peers.json';
/** New pairings may browse and stream; downloads are the user's to allow. */
export const DEFAULT_GRANTS: Grants = { browse: true, stream: true, download: false };

const validGrants = (g: unknown): g is Grants =>
  ['browse', 'stream', 'download'].every(
    (k) => typeof (g as Grants | undefined)?.[k as keyof Grants] === 'boolean',
  );

// Files written before per-folder grants and addresses have neither field: still valid.
function valid(p: unknown): p is PairedPeer {
  const v = p as PairedPeer;
  return (
    typeof v?.id === 'string' &&
    /^[0-9a-f]{64}$/.test(v.id) &&
    typeof v.name === 'string' &&
    v.name.length <= 64 &&
    typeof v.pairedAt === 'number' &&
    validGrants(v.grants) &&
    (v.folders === undefined ||
      (typeof v.folders === 'object' &&
        v.folders !== null &&
        Object.values(v.folders).every(validGrants))) &&
    (v.address === undefined || (typeof v.address === 'string' && !!parseAddress(v.address)))
  );
}

/** Reads the paired devices (a missing or damaged file means none). */
export async function readPeers(stateDir: string): Promise<PairedPeer[]> {
  try {
    const v = JSON.parse(await readFile(path.join(stateDir, FILE), 'utf8')) as { peers?: unknown };
    return Array.isArray(v.peers) ? v.peers.filter(valid) : [];
  } catch {
    return [];
  }
}

async function writePeers(stateDir: string, peers: PairedPeer[]): Promise<void> {
  await writeFileAtomic(path.join(stateDir, FILE), JSON.stringify({ version: 1, peers }), {
    mode: 0o600,
  });
}

/** Adds or renews a pairing (a device paired again keeps its grants); `address` is where it was reached. */
export async function addPeer(
  stateDir: string,
  peer: { id: string; name: string; address?: string },
  now = Date.now(),
): Promise<PairedPeer> {
  const peers = await readPeers(stateDir);
  const old = peers.find((p) => p.id === peer.id);
  // A name from the network: printable characters only, short.
  const printable = [...peer.name].filter((c) => c.charCodeAt(0) >= 0x20).join('');
  const name = printable.slice(0, 64) || 'unnamed device';
  const next: PairedPeer = {
    id: peer.id,
    name,
    grants: old?.grants ?? DEFAULT_GRANTS,
    ...(old?.folders && { folders: old.folders }),
    ...((peer.address ?? old?.address) && { address: peer.address ?? old?.address }),
    pairedAt: now,
  };
  await writePeers(stateDir, [...peers.filter((p) => p.id !== peer.id), next]);
  return next;
}

/** Removes a pairing by id or id prefix (at least 8 characters); the removed peer, or null. */
export async function removePeer(stateDir: string, idOrPrefix: string): Promise<PairedPeer | null> {
  const key = idOrPrefix.toLowerCase().replace(/-/g, '');
  if (key.length < 8) return null;
  const peers = await readPeers(stateDir);
  const gone = peers.filter((p) => p.id.startsWith(key));
  if (gone.length !== 1) return null;
  await writePeers(
    stateDir,
    peers.filter((p) => p !== gone[0]),
  );
  return gone[0]!;
}

/**
 * The one paired device `key` names: its id, an id prefix of at least 8 hex characters (dashes
 * of the grouped form ignored), or its name (case-insensitive); a string says why none.
 */
export function findPeer(peers: PairedPeer[], key: string): PairedPeer | string {
  const hex = key.toLowerCase().replace(/-/g, '');
  const byId = /^[0-9a-f]{8,64}$/.test(hex) ? peers.filter((p) => p.id.startsWith(hex)) : [];
  const byName = peers.filter((p) => p.name.toLowerCase() === key.trim().toLowerCase());
  const found = byId.length > 0 ? byId : byName;
  if (found.length === 1) return found[0]!;
  return found.length === 0
    ? `no paired device is called or has the id "${key}" (tunecamp-share peers lists them)`
    : `"${key}" names ${found.length} paired devices: give more of the id`;
}

/**
 * Changes one paired device (found as `findPeer` does) with `change`, which returns the new
 * record; resolves with it, or rejects with the reason in words.
 */
export async function updatePeer(
  stateDir: string,
  key: string,
  change: (p: PairedPeer) => PairedPeer,
): Promise<PairedPeer> {
  const peers = await readPeers(stateDir);
  const found = findPeer(peers, key);
  if (typeof found === 'string') throw new Error(found);
  const next = change({ ...found, grants: { ...found.grants } });
  if (!valid(next)) throw new Error('that change would leave the device record invalid');
  await writePeers(
    stateDir,
    peers.map((p) => (p === found ? next : p)),
  );
  return next;
}
