/**
 * The devices this one has paired with: `<stateDir>/peers.json` (0600), each with its id (the
 * certificate hash it must present), the name it gave, and what it may do. Written atomically;
 * re-read on demand so a change made from the command line reaches a running daemon.
 */
import { readFile } from 'node:fs/promises';
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
  grants: Grants;
  pairedAt: number;
}

const FILE = 'peers.json';
/** New pairings may browse and stream; downloads are the user's to allow. */
export const DEFAULT_GRANTS: Grants = { browse: true, stream: true, download: false };

function valid(p: unknown): p is PairedPeer {
  const v = p as PairedPeer;
  return (
    typeof v?.id === 'string' &&
    /^[0-9a-f]{64}$/.test(v.id) &&
    typeof v.name === 'string' &&
    v.name.length <= 64 &&
    typeof v.pairedAt === 'number' &&
    ['browse', 'stream', 'download'].every(
      (k) => typeof v.grants?.[k as keyof Grants] === 'boolean',
    )
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

/** Adds or renews a pairing (a device paired again keeps its grants). */
export async function addPeer(
  stateDir: string,
  peer: { id: string; name: string },
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
