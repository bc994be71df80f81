/**
 * Issue 15, "interfaces that listen", for the LAN side as the engine runs it (LAN sharing on,
 * bound to 127.0.0.1, its default limits): the range server and the paired-device API (mutual
 * TLS on the pairing port).
 *
 * - 1,000 connections to each that never send a byte (or never finish the TLS handshake): the
 *   memory they hold is bounded, the servers cut them by their head and handshake timeouts (10 s),
 *   the file descriptors come back, and a real client is served while they hang.
 * - Seeded random bytes at both ports: each connection gets an answer or is closed; both servers
 *   still answer afterwards.
 *
 * The range server's and the rooms' own hostile-client tests (test/core/lan/safety.test.ts,
 * rooms/room-safety.test.ts: huge heads, slowloris heads, random request lines, oversized and
 * flooding WebSocket frames) run in `npm run faults` too. This file: faults only (~15 s), but for
 * the last case, which runs in `npm test` too: the engine quits at once with silent connections
 * open (it waited for ever on a TLS handshake that never came).
 */
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { getHeapStatistics } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/core/engine';
import { fullCollection } from '../../src/main/core/idle-collect';
import { parsePairLink } from '../../src/main/core/lan/pairing/link';
import { engineSharingOneTrack } from '../e2e/helpers';
import { FULL, prng, tempDir } from './helpers';

const CONNECTIONS = 1000;
let dir: string;
let engine: Engine;
let lanPort: number;
let peerPort: number;
let token: string;
let trackUrl: string;

const fds = () => readdirSync('/proc/self/fd').length;
const heapMiB = () => {
  fullCollection();
  return getHeapStatistics().used_heap_size / 2 ** 20;
};

/** An engine sharing one track, with LAN sharing on 127.0.0.1, and its two ports. */
async function lanEngine(name: string) {
  const { engine: e } = await engineSharingOneTrack(path.join(dir, name));
  await e.invoke('updateSettings', {
    lan: { enabled: true, port: 0, host: '127.0.0.1', interfaces: [] },
  });
  const link = parsePairLink((await e.invoke('createPairLink'))[0]!);
  if (typeof link === 'string') throw new Error(link);
  return { engine: e, lanPort: (await e.invoke('getSnapshot')).lanPort!, peerPort: link.port };
}

beforeAll(async () => {
  dir = await tempDir('lan-faults');
  if (!FULL) return;
  ({ engine, lanPort, peerPort } = await lanEngine('main'));
  token = (await engine.invoke('createLanToken', 'Test')).token;
  trackUrl = `http://127.0.0.1:${lanPort}/track/${engine.manifest()[0]!.id}`;
}, 60_000);
afterAll(async () => {
  await engine?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens `n` TCP connections to `port` that send nothing; resolves once all are connected. */
async function idleConnections(port: number, n: number) {
  const sockets: { s: net.Socket; closedAt: number }[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.resume(); // read what the server says (a 408), so its close is seen
    const entry = { s, closedAt: 0 };
    s.on('error', () => undefined);
    s.on('close', () => (entry.closedAt = performance.now() - t0));
    sockets.push(entry);
    await new Promise<void>((r) => {
      s.once('connect', () => r());
      s.once('error', () => r());
    });
  }
  return sockets;
}

/** Whether the paired-device API still answers: a TLS client without a certificate gets 401. */
async function peerApiAnswers(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: peerPort, rejectUnauthorized: false });
    let text = '';
    s.on('secureConnect', () =>
      s.write(
        `GET /peer/v1/hello HTTP/1.1\r\nHost: 127.0.0.1:${peerPort}\r\nConnection: close\r\n\r\n`,
      ),
    );
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0)));
  });
}

describe.runIf(FULL)('the LAN servers under hostile clients', () => {
  it('1,000 silent connections to each: bounded memory, cut by the timeouts, descriptors back, real clients served', async () => {
    const fd0 = fds();
    const heap0 = heapMiB();
    const t0 = performance.now();
    const [lan, peer] = await Promise.all([
      idleConnections(lanPort, CONNECTIONS),
      idleConnections(peerPort, CONNECTIONS),
    ]);
    const heapHeld = heapMiB() - heap0;
    // Served while 2,000 connections hang.
    const res = await fetch(trackUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(await peerApiAnswers()).toBe(401);
    // Both servers cut them: the head timeout and the handshake timeout are 10 s.
    const deadline = performance.now() + 30_000;
    const open = () => [...lan, ...peer].filter((e) => e.closedAt === 0).length;
    while (open() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const lanLast = Math.max(...lan.map((e) => e.closedAt));
    const peerLast = Math.max(...peer.map((e) => e.closedAt));
    for (const e of [...lan, ...peer]) e.s.destroy();
    await new Promise((r) => setTimeout(r, 500));
    process.stderr.write(
      `faults: LAN: ${CONNECTIONS} silent connections to each server held ${heapHeld.toFixed(1)} MiB of heap (both sides of every socket in this process); the range server cut its last at ${(lanLast / 1000).toFixed(1)} s, the peer API at ${(peerLast / 1000).toFixed(1)} s; fds ${fd0} -> ${fds()}; ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    expect(open()).toBe(0);
    expect(lanLast).toBeLessThan(20_000);
    expect(peerLast).toBeLessThan(20_000);
    // Both ends of 2,000 sockets live in this process: ~6 KiB of JS heap each is plenty.
    expect(heapHeld).toBeLessThan(24);
    expect(fds()).toBeLessThanOrEqual(fd0 + 4);
  }, 90_000);

  it('seeded random bytes at both ports: each connection answered or closed; both still serve', async () => {
    const rand = prng(15);
    const results = { answered: 0, closed: 0 };
    for (let i = 0; i < 200; i++) {
      const port = i % 2 ? peerPort : lanPort;
      const len = 1 + (rand() % 4096);
      const junk = Buffer.alloc(len);
      for (let j = 0; j < len; j++) junk[j] = rand() & 0xff;
      // Half the LAN ones start like a request, so the parser gets past the first line.
      if (port === lanPort && i % 4 === 0) junk.write('GET /track/');
      const got = await new Promise<number>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        let bytes = 0;
        s.on('data', (d: Buffer) => (bytes += d.length));
        s.on('error', () => undefined);
        s.on('close', () => resolve(bytes));
        s.on('connect', () => s.end(junk));
        // Bounded: the servers close within their head timeout.
        setTimeout(() => s.destroy(), 15_000).unref();
      });
      if (got > 0) results.answered++;
      else results.closed++;
    }
    process.stderr.write(`faults: LAN: 200 random byte strings: ${JSON.stringify(results)}\n`);
    expect(results.answered + results.closed).toBe(200);
    const res = await fetch(trackUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await peerApiAnswers()).toBe(401);
  }, 120_000);
});

describe('the LAN servers at quit', () => {
  it('quits at once with silent connections open (a half-made TLS handshake held it)', async () => {
    const other = await lanEngine('quit');
    const conns = await Promise.all([
      idleConnections(other.lanPort, 50),
      idleConnections(other.peerPort, 50),
    ]);
    const t0 = performance.now();
    await Promise.race([
      other.engine.stop(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('stop() hung')), 5_000)),
    ]);
    const took = performance.now() - t0;
    process.stderr.write(
      `faults: LAN: stop() with 100 silent connections took ${Math.round(took)} ms\n`,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(conns.flat().filter((e) => e.closedAt === 0)).toHaveLength(0);
    expect(took).toBeLessThan(2_000);
  }, 60_000);
});
