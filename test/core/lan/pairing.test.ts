/**
 * Pairing by link over real mutual TLS on 127.0.0.1, between two state folders: the link pairs
 * both ways once, a used or expired link is refused, a link whose id is not the host's is refused
 * before the secret leaves, guessing is limited per address, and unpairing cuts an open connection.
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
import { askPeer, pairWithLink } from '../../../src/main/core/lan/pairing/pair-client';
import { startPairServer, type PairServer } from '../../../src/main/core/lan/pairing/pair-server';
import { readPeers, removePeer } from '../../../src/main/core/lan/pairing/peers-store';
import { connectPinned } from '../../../src/main/core/lan/tls-pinning';
import { tempDir } from '../../e2e/helpers';

const dirs: string[] = [];
let server: PairServer | undefined;
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
    server = await startPairServer({
      stateDir: hostDir,
      me: host,
      name: 'Studio',
      host: '127.0.0.1',
      port: 0,
    });
    const link = formatPairLink(linkFor(await createOffer(hostDir)));
    const parsed = parsePairLink(link);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(await pairWithLink(parsed, guest, 'Laptop')).toBe('Studio');
    const peers = await readPeers(hostDir);
    expect(peers.map((p) => [p.id, p.name, p.grants])).toEqual([
      [guest.id, 'Laptop', { browse: true, stream: true, download: false }],
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

  it('cuts a paired device that checks in as soon as it is unpaired', async () => {
    const socket = await connectPinned({
      host: '127.0.0.1',
      port: server!.port,
      me: guest,
      expectId: host.id,
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const first = new Promise<string>((resolve) =>
      socket.once('data', (d: Buffer) => resolve(d.toString())),
    );
    socket.write('{"type":"hello"}\n');
    expect(JSON.parse(await first)).toEqual({ ok: true, name: 'Studio' });
    expect((await removePeer(hostDir, guest.id.slice(0, 12)))?.id).toBe(guest.id);
    server!.revoke(guest.id);
    await closed;
    expect(await askPeer(linkFor(''), guest, { type: 'hello' })).toEqual({
      ok: false,
      error: 'not paired',
    });
  });

  it('limits failed attempts per address (3 a minute), even before a right secret', async () => {
    // Two attempts above already failed (a used link, an expired one) from this address.
    await expect(pairWithLink(linkFor('B'.repeat(22)), guest, 'x')).rejects.toThrow(/not valid/);
    const secret = await createOffer(hostDir);
    await expect(pairWithLink(linkFor(secret), guest, 'x')).rejects.toThrow(/too many attempts/);
  });
});
