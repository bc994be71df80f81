/**
 * The command line's side of paired devices, against a state folder (no daemon needed):
 *   tunecamp-share ls PEER [PATH] [--json]        a paired device's shared folders, or one folder
 *   tunecamp-share search PEER TERM [--json]      its tracks and folders matching TERM
 * and, for `get PEER PATH|TRACK…`, the requests and the pinned transport. PEER is a paired
 * device's name, id or id prefix (peers.json); it is reached at its remembered address.
 */
import path from 'node:path';
import type { PeerListing, PeerSearchResult, PeerTrack } from '../../shared/contract';
import type { LanFetch } from '../core/lan/downloads/transport';
import { loadIdentity, type Identity } from '../core/lan/identity';
import { findPeer, parseAddress, readPeers } from '../core/lan/pairing/peers-store';
import { peerJson, peerUrlOf, pinnedFetch, type PeerTarget } from '../core/lan/peer/peer-client';
import { EXIT } from './exit-codes';
import { defaultStateDir } from './paths';

/** The subcommands' help. */
export const PEER_CLI_USAGE = `Usage: tunecamp-share ls PEER [PATH] [--json] [--state-dir DIR]
       tunecamp-share search PEER TERM [--json] [--state-dir DIR]
PEER is a paired device's name or id (tunecamp-share peers); it is reached at its remembered
address (set when pairing, seen by mDNS, or by tunecamp-share peers address ID HOST:PORT).
`;

/** A paired device, ready to be asked. */
export interface PeerSession {
  target: PeerTarget;
  me: Identity;
  name: string;
}

/** Opens a session with the paired device `key`, or rejects with what is wrong in words. */
export async function openPeer(stateDir: string, key: string): Promise<PeerSession> {
  const found = findPeer(await readPeers(stateDir), key);
  if (typeof found === 'string') throw new Error(found);
  const a = parseAddress(found.address ?? '');
  if (!a)
    throw new Error(
      `${found.name} has no known address: run the daemon with --lan to see it by mDNS, or set it (tunecamp-share peers address ID HOST:PORT)`,
    );
  return { target: { ...a, id: found.id }, me: await loadIdentity(stateDir), name: found.name };
}

const ls = (s: PeerSession, p: string) =>
  peerJson<PeerListing>(s.target, s.me, `/peer/v1/ls?path=${encodeURIComponent(p)}`);

/**
 * The download requests for `get PEER ITEM…`: a track id or a track's path lands as its file
 * name; a folder's path brings the folder, by its name, and everything below it.
 */
export async function peerRequests(
  s: PeerSession,
  items: string[],
): Promise<{ fetch: LanFetch; requests: { peer: string; trackId: string; relPath: string }[] }> {
  const requests: { peer: string; trackId: string; relPath: string }[] = [];
  const add = (t: PeerTrack, relPath: string) =>
    requests.push({ peer: peerUrlOf(s.target.id), trackId: t.id, relPath });
  for (const raw of items) {
    const item = raw.replace(/^\/+|\/+$/g, '');
    if (/^[0-9a-f]{32}$/.test(item)) {
      const r = await peerJson<PeerSearchResult>(
        s.target,
        s.me,
        `/peer/v1/search?q=${item}&limit=1`,
      );
      const t = r.tracks.find((x) => x.id === item);
      if (!t) throw new Error(`${s.name} does not share the track ${item} with you`);
      add(t, path.posix.basename(t.path));
      continue;
    }
    const parent = path.posix.dirname(item);
    const sibling = parent === '.' ? undefined : await ls(s, parent).catch(() => undefined);
    const track = sibling?.tracks.find((t) => t.path === item);
    if (track) {
      add(track, path.posix.basename(track.path));
      continue;
    }
    const strip = parent === '.' ? 0 : parent.length + 1;
    const walk = async (p: string, depth: number): Promise<void> => {
      if (depth > 32) throw new Error(`${p} is nested too deep`);
      const l = await ls(s, p);
      for (const t of l.tracks) add(t, t.path.slice(strip));
      for (const f of l.folders) await walk(f.path, depth + 1);
    };
    await walk(item, 0).catch((e: Error) => {
      throw new Error(`${s.name}: ${item}: ${e.message}`);
    });
  }
  return { fetch: pinnedFetch(s.me, async () => s.target), requests };
}

/** Runs `ls` or `search`; resolves with the exit status. */
export async function runPeerCli(
  command: 'ls' | 'search',
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const words: string[] = [];
  let stateDir = '';
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--state-dir') stateDir = argv[++i] ?? '';
    else if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') return (process.stdout.write(PEER_CLI_USAGE), 0);
    else if (a.startsWith('--')) {
      process.stderr.write(`tunecamp-share: unknown option ${a}\n${PEER_CLI_USAGE}`);
      return EXIT.usage;
    } else words.push(a);
  }
  const [peer, arg = ''] = words;
  if (!peer || (command === 'search' && !arg.trim())) {
    process.stderr.write(PEER_CLI_USAGE);
    return EXIT.usage;
  }
  const dir = path.resolve(stateDir || defaultStateDir(process.platform, env));
  try {
    const s = await openPeer(dir, peer);
    const r =
      command === 'ls'
        ? await ls(s, arg.replace(/^\/+|\/+$/g, ''))
        : await peerJson<PeerSearchResult>(
            s.target,
            s.me,
            `/peer/v1/search?q=${encodeURIComponent(arg)}&limit=200`,
          );
    if (json) {
      for (const f of r.folders) process.stdout.write(`${JSON.stringify({ folder: f.path })}\n`);
      for (const t of r.tracks) process.stdout.write(`${JSON.stringify(t)}\n`);
    } else {
      for (const f of r.folders) process.stdout.write(`${f.path}/\n`);
      for (const t of r.tracks)
        process.stdout.write(`${t.path}  [${t.id}]${t.artist ? `  ${t.artist}` : ''}\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`tunecamp-share: ${(e as Error).message}\n`);
    return EXIT.failure;
  }
}
