import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, it, expect } from 'vitest';
import { startHub, type Hub } from '../../hub/emulator';
import type { ConnectionStatus } from '../../../src/shared/contract';
import type { PeerTunnel } from '../../../src/main/core/tunnel/peer-tunnel';
import { sleep, tunnelTo, waitForStatus } from './helpers';

const SECRET = 'tc_SUPERSECRET_0123456789abcdef';
let hub: Hub | null = null;
const tunnels: PeerTunnel[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(tunnels.splice(0).map((t) => t.stop()));
  await Promise.all(cleanups.splice(0).map((c) => c()));
  await hub?.close();
  hub = null;
});

function open(h: Hub | { url: string }, token: string, server = h.url) {
  const r = tunnelTo(h as Hub, token, { server });
  tunnels.push(r.tunnel);
  return r;
}

/** The token must never leak into anything the tunnel emits. */
function expectNoSecret(statuses: ConnectionStatus[]) {
  const text = JSON.stringify(statuses);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('SUPERSECRET');
  expect(text).not.toContain('/ws/peer');
}

describe('refused upgrades', () => {
  it('401: stops, says to log in again, and never retries', async () => {
    hub = await startHub();
    const { tunnel, statuses } = open(hub, SECRET);
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'stopped' && !!x.problem);
    expect(s.problem).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(s.problem?.message).toMatch(/log in again/);
    await sleep(600);
    expect(hub.upgrades).toEqual([expect.objectContaining({ status: 401 })]);
    expect(tunnel.status.state).toBe('stopped');
    expectNoSecret(statuses);
  });

  it('403: stops with the forbidden explanation and never retries', async () => {
    hub = await startHub({ tokens: { [SECRET]: { username: 'bob', canShare: false } } });
    const { tunnel, statuses } = open(hub, SECRET);
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'stopped' && !!x.problem);
    expect(s.problem).toMatchObject({ code: 'forbidden', status: 403 });
    expect(s.problem?.message).toMatch(/Ask an administrator to enable Peer Sharing/);
    await sleep(600);
    expect(hub.upgrades.length).toBe(1);
    expectNoSecret(statuses);
  });

  it('503: waits slowly, then connects once sharing is switched on', async () => {
    hub = await startHub({ tokens: { [SECRET]: { username: 'bob' } }, peerSharingEnabled: false });
    const { tunnel, statuses } = open(hub, SECRET);
    tunnel.start();
    const t0 = Date.now();
    const s = await waitForStatus(tunnel, (x) => x.state === 'waiting');
    expect(s.problem).toMatchObject({ code: 'sharing-disabled', status: 503 });
    expect(s.nextRetryAt! - t0).toBeGreaterThanOrEqual(1_900); // the test's slow window is 2–2.5 s
    await sleep(800);
    expect(hub.upgrades.length).toBe(1);
    hub.setPeerSharing(true);
    await waitForStatus(tunnel, (x) => x.state === 'connected', 4_000);
    expect(hub.upgrades.map((u) => u.status)).toEqual([503, 101]);
    expectNoSecret(statuses);
  });

  it('404 at the peer path: not a TuneCamp server, retried slowly', async () => {
    hub = await startHub({ tokens: { [SECRET]: { username: 'bob' } } });
    const { tunnel, statuses } = open(hub, SECRET, `${hub.url}/not-here`);
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'waiting');
    expect(s.problem?.code).toBe('not-tunecamp');
    expect(s.problem?.message).toMatch(/No TuneCamp peer endpoint at this address/);
    await sleep(500);
    expect(hub.upgrades.length).toBe(1);
    expectNoSecret(statuses);
  });

  it('a plain web server answering 200: not a TuneCamp server', async () => {
    const web = http.createServer((_req, res) => res.end('<html>hello</html>'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => web.close(() => r())));
    web.on('upgrade', (_req, socket) =>
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'),
    );
    const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    const { tunnel, statuses } = open({ url }, SECRET);
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'waiting');
    expect(s.problem).toMatchObject({ code: 'not-tunecamp', status: 200 });
    expectNoSecret(statuses);
  });

  it('500: retried with backoff', async () => {
    const web = http.createServer();
    let attempts = 0;
    web.on('upgrade', (_req, socket) => {
      attempts++;
      socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => web.close(() => r())));
    const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    const { tunnel, statuses } = open({ url }, SECRET);
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'waiting');
    expect(s.problem).toMatchObject({ code: 'server-error', status: 500 });
    await sleep(700);
    // base 40 ms, cap 300 ms: a few retries, but bounded by the backoff.
    expect(attempts).toBeGreaterThan(2);
    expect(attempts).toBeLessThan(20);
    expectNoSecret(statuses);
  });

  it('nothing listening: unreachable, with a retry time', async () => {
    hub = await startHub();
    const url = hub.url;
    await hub.close();
    hub = null;
    const { tunnel, statuses } = open({ url }, SECRET);
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'waiting');
    expect(s.problem?.code).toBe('unreachable');
    expect(s.problem?.message).toContain('127.0.0.1');
    expect(s.nextRetryAt).toBeGreaterThan(Date.now() - 100);
    expectNoSecret(statuses);
  });

  it('a handshake that never answers times out', async () => {
    const web = http.createServer();
    const held: Duplex[] = [];
    web.on('upgrade', (_req, socket) => held.push(socket)); // hold the socket, say nothing
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const sock of held) sock.destroy();
      await new Promise((r) => web.close(() => r(undefined)));
    });
    const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    const r = tunnelTo({ url } as Hub, SECRET, { connectTimeoutMs: 200 });
    tunnels.push(r.tunnel);
    r.tunnel.start();
    const s = await waitForStatus(r.tunnel, (x) => x.state === 'waiting', 2_000);
    expect(s.problem?.code).toBe('unreachable');
    expect(s.problem?.message).toMatch(/Timed out/);
    expectNoSecret(r.statuses);
  });

  it('an invalid server address stops with not-configured, without leaking the token', async () => {
    const r = tunnelTo({ url: 'http://exa mple' } as Hub, SECRET);
    tunnels.push(r.tunnel);
    r.tunnel.start();
    expect(r.tunnel.status.state).toBe('stopped');
    expect(r.tunnel.status.problem?.code).toBe('not-configured');
    expectNoSecret(r.statuses);
  });
});
