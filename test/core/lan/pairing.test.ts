/**
 * Pairing by link over real mutual TLS on 127.0.0.1, between two state folders: the link pairs
 * both ways once, a used or expired link is refused, a link whose id is not the host's is refused
 * before the secret leaves, guessing is limited per address, and an unpaired device is refused.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createIdentity, type Identity } from '../../../src/main/core/lan/identity';
import {
  formatPairLink,
  parsePairLink,
  type PairLink,
} from '../../../src/main/core/lan/pairing/link';
import { OFFER_TTL_MS, createOffer } from '../../../src/main/core/lan/pairing/offers';
import { pairWithLink } from '../../../src/main/core/lan/pairing/pair-client';
import { readPeers, removePeer } from '../../../src/main/core/lan/pairing/peers-store';
import { peerJson } from '../../../src/main/core/lan/peer/peer-client';
import { startPeerServer, type PeerServer } from '../../../src/main/core/lan/peer/peer-server';
import { tempDir } from '../../e2e/helpers';

const dirs: string[] = [];
let server: PeerServer | undefined;
afterAll(async () => {
  await server?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('pairing links', () => {
  it('round-trip and refuse what is not one', () => {
    const l: PairLink = {
      host: '127.0.0.1',
      port: 47311,
      id: 'ab'.repeat(32),
      secret: 'A'.repeat(22),
    };
    expect(parsePairLink(formatPairLink(l))).toEqual(l);
    expect(parsePairLink('https://example.org')).toMatch(/not a pairing link/);
    expect(parsePairLink(formatPairLink({ ...l, host: 'evil.example' }))).toMatch(/address/);
    expect(parsePairLink(formatPairLink({ ...l, id: 'zz' }))).toMatch(/device id/);
    expect(parsePairLink(formatPairLink({ ...l, secret: 'short' }))).toMatch(/secret/);
  });
});

describe('pairing over mutual TLS', () => {
  let host: Identity;
  let guest: Identity;
  let hostDir = '';
  const linkFor = (secret: string, id = host.id): PairLink => ({
    host: '127.0.0.1',
    port: server!.port,
    id,
    secret,
  });

  it('pairs both ways with a fresh link, once', async () => {
    [host, guest] = await Promise.all([createIdentity(), createIdentity()]);
    hostDir = await tempDir('pair-host');
    dirs.push(hostDir);
    server = await startPeerServer({
      stateDir: hostDir,
      me: host,
      name: 'Studio',
      host: '127.0.0.1',
      port: 0,
      catalog: { roots: () => [], entries: () => [] },
      track: () => undefined,
    });
    const link = formatPairLink(linkFor(await createOffer(hostDir)));
    const parsed = parsePairLink(link);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(await pairWithLink(parsed, guest, 'Laptop', 40123)).toBe('Studio');
    const peers = await readPeers(hostDir);
    // The guest's address is remembered: where it came from, at the port it listens on.
    expect(peers.map((p) => [p.id, p.name, p.grants, p.address])).toEqual([
      [guest.id, 'Laptop', { browse: true, stream: true, download: false }, '127.0.0.1:40123'],
    ]);
    await expect(pairWithLink(parsed, guest, 'Laptop')).rejects.toThrow(
      /not valid \(or was used\)/,
    );
  });

  it('refuses an expired link', async () => {
    const secret = await createOffer(hostDir, Date.now() - OFFER_TTL_MS - 1000);
    await expect(pairWithLink(linkFor(secret), guest, 'Laptop')).rejects.toThrow(/expired/);
  });

  it('sends no secret to a device that is not the one in the link', async () => {
    const other = await createIdentity();
    const secret = await createOffer(hostDir);
    await expect(pairWithLink(linkFor(secret, other.id), guest, 'Laptop')).rejects.toThrow(
      /not the paired device/,
    );
    // The secret was never sent, so the real host still accepts it.
    const third = await createIdentity();
    expect(await pairWithLink(linkFor(secret), third, 'Phone')).toBe('Studio');
  });

  it('answers a paired device, and refuses it once unpaired', async () => {
    const target = { host: '127.0.0.1', port: server!.port, id: host.id };
    expect(await peerJson(target, guest, '/peer/v1/hello')).toEqual({
      name: 'Studio',
      id: host.id,
      version: 1,
    });
    expect((await removePeer(hostDir, guest.id.slice(0, 12)))?.id).toBe(guest.id);
    await expect(peerJson(target, guest, '/peer/v1/hello')).rejects.toThrow(/not paired \(403\)/);
  });

  it('limits failed attempts per address (3 a minute), even before a right secret', async () => {
    // Two attempts above already failed (a used link, an expired one) from this address.
    await expect(pairWithLink(linkFor('B'.repeat(22)), guest, 'x')).rejects.toThrow(/not valid/);
    const secret = await createOffer(hostDir);
    await expect(pairWithLink(linkFor(secret), guest, 'x')).rejects.toThrow(/too many attempts/);
  });
});
