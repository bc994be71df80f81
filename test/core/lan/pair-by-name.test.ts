/**
 * Pairing by name between two peer listeners on 127.0.0.1: both sides derive the same short code,
 * and a pairing is stored only once both users said yes (in either order). Declining, saying the
 * codes differ, a request taken over by another certificate, a nonce that does not match its
 * commitment, too many requests, and a request nobody answers all leave nothing paired.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createIdentity, type Identity } from '../../../src/main/core/lan/identity';
import { peerRequest, readJson } from '../../../src/main/core/lan/peer/peer-client';
import { startPeerServer, type PeerServer } from '../../../src/main/core/lan/peer/peer-server';
import { NamePairing } from '../../../src/main/core/lan/pairing/name-pairing';
import { readPeers } from '../../../src/main/core/lan/pairing/peers-store';
import { commitTo, newNonce } from '../../../src/main/core/lan/pairing/short-code';
import { tempDir } from '../../e2e/helpers';

interface Side {
  me: Identity;
  dir: string;
  server: PeerServer;
  names: NamePairing;
  paired: string[];
}

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function side(name: string, others: () => Side[], ttlMs?: number): Promise<Side> {
  const dir = await tempDir(`pair-name-${name}`);
  const me = await createIdentity();
  const s = { me, dir, paired: [] as string[] } as Partial<Side> as Side;
  s.server = await startPeerServer({
    stateDir: dir,
    me,
    name,
    host: '127.0.0.1',
    port: 0,
    catalog: { roots: () => [], entries: () => [] },
    track: () => undefined,
    nameRequests: () => s.names.incoming,
  });
  s.names = new NamePairing({
    stateDir: dir,
    me,
    myName: name,
    myPort: s.server.port,
    locate: (id) => {
      const o = others().find((x) => x.me.id === id);
      return o && { host: '127.0.0.1', port: o.server.port, id };
    },
    paired: (n) => s.paired.push(n),
    changed: () => undefined,
    ttlMs,
  });
  cleanup.push(async () => {
    s.names.close();
    await s.server.close();
    await rm(dir, { recursive: true, force: true });
  });
  return s;
}

async function pair(ttlMs?: number): Promise<[Side, Side]> {
  const both: Side[] = [];
  both.push(await side('Laptop', () => both, ttlMs), await side('Studio', () => both, ttlMs));
  return both as [Side, Side];
}

const ids = async (s: Side) => (await readPeers(s.dir)).map((p) => p.id);

describe('pairing by name', () => {
  it('shows the same code on both screens and pairs once both users said yes', async () => {
    const [a, b] = await pair();
    const started = await a.names.start(b.me.id);
    expect(started.name).toBe('Studio');
    expect(started.code).toMatch(/^\d{3} \d{3}$/);
    const [asking] = b.names.incoming.list();
    expect(asking).toMatchObject({ name: 'Laptop', deviceId: a.me.id, code: started.code });
    expect(asking!.address).toBe(`127.0.0.1:${a.server.port}`);

    // A's user confirms first and waits; nothing is stored until B's user accepts.
    const confirmed = a.names.confirm(started.pairing, true);
    await new Promise((r) => setTimeout(r, 200));
    expect(await ids(a)).toEqual([]);
    expect(await ids(b)).toEqual([]);
    await b.names.incoming.answer(asking!.request, true);
    expect(await confirmed).toBe('Studio');
    expect(await ids(a)).toEqual([b.me.id]);
    expect(await ids(b)).toEqual([a.me.id]);
    expect((await readPeers(a.dir))[0]!.address).toBe(`127.0.0.1:${b.server.port}`);
    expect(b.names.incoming.list()).toEqual([]);
    expect([a.paired, b.paired]).toEqual([['Studio'], ['Laptop']]);
  });

  it('pairs in the other order too: the answering user first', async () => {
    const [a, b] = await pair();
    const started = await a.names.start(b.me.id);
    await b.names.incoming.answer(b.names.incoming.list()[0]!.request, true);
    expect(await ids(b)).toEqual([]);
    expect(await a.names.confirm(started.pairing, true)).toBe('Studio');
    expect(await ids(b)).toEqual([a.me.id]);
  });

  it('is not cut by the listener rechecking its paired devices meanwhile', async () => {
    // The daemon rechecks every second: a device still pairing is not paired yet, and its
    // connection (here, the long wait for the other user's answer) must survive that.
    const [a, b] = await pair();
    const started = await a.names.start(b.me.id);
    const confirmed = a.names.confirm(started.pairing, true);
    await new Promise((r) => setTimeout(r, 200));
    b.server.recheck([]);
    await new Promise((r) => setTimeout(r, 100));
    await b.names.incoming.answer(b.names.incoming.list()[0]!.request, true);
    expect(await confirmed).toBe('Studio');
  });

  it('stores nothing when the other user declines, or this user says the codes differ', async () => {
    const [a, b] = await pair();
    let started = await a.names.start(b.me.id);
    const waiting = a.names.confirm(started.pairing, true);
    await b.names.incoming.answer(b.names.incoming.list()[0]!.request, false);
    await expect(waiting).rejects.toThrow('Not paired: Studio declined.');

    started = await a.names.start(b.me.id);
    expect(b.names.incoming.list()).toHaveLength(1);
    await expect(a.names.confirm(started.pairing, false)).rejects.toThrow('the codes differ');
    await expect.poll(() => b.names.incoming.list().length).toBe(0);
    expect(await ids(a)).toEqual([]);
    expect(await ids(b)).toEqual([]);
  });

  it('lets only the certificate that asked take a request further, with the nonce it committed to', async () => {
    const [a, b] = await pair();
    const mallory = await createIdentity();
    const target = { host: '127.0.0.1', port: b.server.port, id: b.me.id };
    await a.names.start(b.me.id);
    const request = b.names.incoming.list()[0]!.request;
    const res = await peerRequest(target, mallory, {
      method: 'POST',
      path: '/peer/v1/pair-confirm',
      body: JSON.stringify({ request }),
    });
    await expect(readJson(res)).rejects.toThrow(/no such request/);
    await b.names.incoming.answer(request, true);
    expect(await ids(b)).toEqual([]);

    // A nonce that does not open the commitment ends the request.
    const opened = await readJson<{ request: string }>(
      await peerRequest(target, mallory, {
        method: 'POST',
        path: '/peer/v1/pair-request',
        body: JSON.stringify({ name: 'Mallory', commit: commitTo(newNonce()) }),
      }),
    );
    const reveal = await peerRequest(target, mallory, {
      method: 'POST',
      path: '/peer/v1/pair-reveal',
      body: JSON.stringify({ request: opened.request, nonce: newNonce() }),
    });
    await expect(readJson(reveal)).rejects.toThrow(/does not match its commitment/);
    expect(b.names.incoming.list().map((r) => r.name)).toEqual([]);
  });

  it('limits requests per address, and a request nobody answers expires', async () => {
    const [a, b] = await pair(600);
    const started = await a.names.start(b.me.id);
    await expect(a.names.confirm(started.pairing, true)).rejects.toThrow(
      'Not paired: Studio did not answer in time.',
    );
    expect(b.names.incoming.list()).toEqual([]);
    await a.names.start(b.me.id);
    await a.names.start(b.me.id);
    await expect(a.names.start(b.me.id)).rejects.toThrow(/too many pairing requests/);
    expect(await ids(b)).toEqual([]);
  });

  it('refuses a device that is not on the network', async () => {
    const [a] = await pair();
    await expect(a.names.start('f'.repeat(64))).rejects.toThrow(/not on the network now/);
  });
});
