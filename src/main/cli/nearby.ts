/**
 * `tunecamp-share nearby [--json] [--watch] [--wait SECONDS] [--lan-interface NAME]`: the other
 * tunecamp-share devices announcing themselves on the local network (mDNS). Lists what answered
 * within the wait (default 3 s), or with --watch prints each device as it comes and goes until
 * interrupted. Browsing only: it announces nothing.
 */
import os from 'node:os';
import { PeerBrowser, type NearbyPeer } from '../core/lan/discovery/browser';
import { chooseInterfaces } from '../core/lan/discovery/interfaces';
import { EXIT } from './exit-codes';

/** The subcommand's help. */
export const NEARBY_USAGE = `Usage: tunecamp-share nearby [--json] [--watch] [--wait SECONDS] [--lan-interface NAME[,NAME]]

Lists tunecamp-share devices on the local network that share with --lan.
  --json            one JSON object per line
  --watch           keep listening; print "up" and "down" as devices come and go
  --wait SECONDS    how long to listen before listing (default 3)
  --lan-interface   listen on these interfaces only (default: every LAN-like interface)
`;

function line(peer: NearbyPeer, json: boolean, event?: 'up' | 'down'): string {
  if (json) return JSON.stringify(event ? { event, ...peer } : peer);
  const where = `${peer.address}:${peer.port}`;
  return `${event ? `${event}  ` : ''}${peer.name}  ${where}  id ${peer.id.slice(0, 16)}…`;
}

/** Runs the subcommand; resolves with the exit code. */
export async function runNearby(argv: readonly string[]): Promise<number> {
  let json = false;
  let watch = false;
  let waitS = 3;
  let pinned: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--watch') watch = true;
    else if (a === '--wait' || a === '--lan-interface') {
      const v = argv[++i] ?? '';
      if (a === '--wait') waitS = Number(v);
      else pinned = v.split(',').filter(Boolean);
      if (a === '--wait' && !(waitS > 0 && waitS <= 600)) {
        process.stderr.write('tunecamp-share nearby: --wait takes 1 to 600 seconds.\n');
        return EXIT.usage;
      }
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(NEARBY_USAGE);
      return 0;
    } else {
      process.stderr.write(`tunecamp-share nearby: unknown option ${a}\n${NEARBY_USAGE}`);
      return EXIT.usage;
    }
  }
  const interfaces = chooseInterfaces(os.networkInterfaces(), pinned);
  if (interfaces.length === 0) {
    process.stderr.write(
      `tunecamp-share nearby: ${pinned.length ? `no IPv4 interface named ${pinned.join(', ')}` : 'no network interface looks like a LAN'}; name one with --lan-interface.\n`,
    );
    return EXIT.usage;
  }
  const browser = new PeerBrowser({ interfaces });
  if (watch) {
    browser.on('up', (p) => process.stdout.write(`${line(p, json, 'up')}\n`));
    browser.on('down', (p) => process.stdout.write(`${line(p, json, 'down')}\n`));
  }
  browser.start();
  if (watch) {
    await new Promise<void>((resolve) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
    });
    browser.stop();
    return 0;
  }
  await new Promise((r) => setTimeout(r, waitS * 1000));
  const peers = browser.peers();
  browser.stop();
  for (const p of peers) process.stdout.write(`${line(p, json)}\n`);
  if (!json && peers.length === 0) process.stdout.write('No tunecamp-share device answered.\n');
  return 0;
}
