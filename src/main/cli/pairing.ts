/**
 * Pairing from a shell, against a state folder:
 *   tunecamp-share pair-link            a one-time link for another device (the daemon must run with --lan)
 *   tunecamp-share pair LINK [--name N] pair this state folder's device with the link's host
 *   tunecamp-share peers [--json]       the paired devices
 *   tunecamp-share unpair ID            forget one (a running daemon cuts its connections)
 *   tunecamp-share peers grant ID [--folder PATH] browse|stream|download on|off
 *   tunecamp-share peers address ID HOST:PORT
 * Each takes --state-dir DIR (default: the app's data folder).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatDeviceId, loadIdentity } from '../core/lan/identity';
import { formatPairLink, parsePairLink } from '../core/lan/pairing/link';
import { OFFER_TTL_MS, createOffer } from '../core/lan/pairing/offers';
import { pairWithLink } from '../core/lan/pairing/pair-client';
import {
  addPeer,
  formatAddress,
  parseAddress,
  readPeers,
  removePeer,
  updatePeer,
  type Grants,
} from '../core/lan/pairing/peers-store';
import { EXIT } from './exit-codes';
import { defaultStateDir } from './paths';

/** The subcommands' help. */
export const PAIRING_USAGE = `Usage: tunecamp-share pair-link [--state-dir DIR]
       tunecamp-share pair LINK [--name NAME] [--state-dir DIR]
       tunecamp-share peers [--json] [--state-dir DIR]
       tunecamp-share unpair ID [--state-dir DIR]
       tunecamp-share peers grant ID [--folder PATH] browse|stream|download on|off|inherit
       tunecamp-share peers address ID HOST:PORT
(a running daemon follows changes within a second; turning a grant off cuts what it was serving)
`;

const out = (s: string) => void process.stdout.write(`${s}\n`);
const err = (s: string) => void process.stderr.write(`tunecamp-share: ${s}\n`);

/** Runs `pair-link`, `pair`, `peers` or `unpair`; resolves with the exit code. */
export async function runPairing(
  command: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const words: string[] = [];
  let stateDir = '';
  let name = os.hostname();
  let json = false;
  let folder: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--state-dir') stateDir = argv[++i] ?? '';
    else if (a === '--name') name = argv[++i] ?? name;
    else if (a === '--json') json = true;
    else if (a === '--folder') folder = path.resolve(argv[++i] ?? '');
    else if (a === '-h' || a === '--help') return (out(PAIRING_USAGE), 0);
    else if (a.startsWith('--')) return (err(`unknown option ${a}\n${PAIRING_USAGE}`), EXIT.usage);
    else words.push(a);
  }
  const dir = path.resolve(stateDir || defaultStateDir(process.platform, env));
  if (command === 'pair-link') {
    const endpoint = await readFile(path.join(dir, 'lan-endpoint.json'), 'utf8')
      .then((t) => JSON.parse(t) as { id: string; pairPort: number; addresses: string[] })
      .catch(() => null);
    if (!endpoint?.addresses?.length)
      return (err('no LAN listener known here: start the daemon with --lan first.'), EXIT.usage);
    const secret = await createOffer(dir);
    for (const host of endpoint.addresses)
      out(formatPairLink({ host, port: endpoint.pairPort, id: endpoint.id, secret }));
    process.stderr.write(
      `Open it on the other device within ${OFFER_TTL_MS / 60_000} minutes; it works once.\n`,
    );
    return 0;
  }
  if (command === 'pair') {
    const link = parsePairLink(words[0] ?? '');
    if (typeof link === 'string') return (err(link), EXIT.usage);
    const me = await loadIdentity(dir);
    try {
      const theirs = await pairWithLink(link, me, name);
      // Remembered, so ls/search/get reach it where multicast cannot.
      await addPeer(dir, {
        id: link.id,
        name: theirs,
        address: formatAddress(link.host, link.port),
      });
      out(`Paired with ${theirs} (${formatDeviceId(link.id)}).`);
      return 0;
    } catch (e) {
      return (err(`could not pair: ${(e as Error).message}`), 1);
    }
  }
  if (command === 'peers' && (words[0] === 'grant' || words[0] === 'address')) {
    try {
      const p = await (words[0] === 'grant'
        ? grant(dir, words.slice(1), folder)
        : address(dir, words.slice(1)));
      out(JSON.stringify(p));
      return 0;
    } catch (e) {
      return (err((e as Error).message), EXIT.usage);
    }
  }
  if (command === 'peers') {
    const peers = await readPeers(dir);
    if (json) for (const p of peers) out(JSON.stringify(p));
    else if (peers.length === 0) out('No paired device.');
    else for (const p of peers) out(`${p.name}  ${formatDeviceId(p.id)}`);
    return 0;
  }
  const gone = await removePeer(dir, words[0] ?? '');
  if (!gone)
    return (err('no single paired device has that id (give at least 8 characters).'), EXIT.usage);
  out(`Unpaired ${gone.name}.`);
  return 0;
}

/** `peers grant ID [--folder PATH] RIGHT on|off|inherit`. */
function grant(dir: string, w: string[], folder: string | undefined) {
  const [id = '', right = '', value = ''] = w;
  if (
    !['browse', 'stream', 'download'].includes(right) ||
    !['on', 'off', 'inherit'].includes(value)
  )
    throw new Error(`peers grant ID [--folder PATH] browse|stream|download on|off|inherit`);
  if (value === 'inherit' && !folder) throw new Error('inherit needs --folder PATH');
  return updatePeer(dir, id, (p) => {
    if (!folder) return { ...p, grants: { ...p.grants, [right]: value === 'on' } };
    const folders: Record<string, Grants> = { ...p.folders };
    if (value === 'inherit') delete folders[folder];
    else folders[folder] = { ...(folders[folder] ?? p.grants), [right]: value === 'on' };
    return { ...p, folders };
  });
}

/** `peers address ID HOST:PORT`. */
function address(dir: string, w: string[]) {
  const [id = '', addr = ''] = w;
  if (!parseAddress(addr)) throw new Error(`"${addr}" is not HOST:PORT with an IP address`);
  return updatePeer(dir, id, (p) => ({ ...p, address: addr.trim() }));
}
