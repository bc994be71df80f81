import { afterEach, describe, it, expect, vi } from 'vitest';
import WebSocket from 'ws';
import { startHub, type Hub } from '../../hub/emulator';
import type { PeerTunnel } from '../../../src/main/core/tunnel/peer-tunnel';
import { sleep, tracks, tunnelTo, waitForStatus } from './helpers';

let hub: Hub | null = null;
const tunnels: PeerTunnel[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(tunnels.splice(0).map((t) => t.stop()));
  await hub?.close();
  hub = null;
});

function open(h: Hub, ...args: Parameters<typeof tunnelTo> extends [Hub, ...infer R] ? R : never) {
  const r = tunnelTo(h, ...args);
  tunnels.push(r.tunnel);
  return r;
}

describe('PeerTunnel against the hub', () => {
  it('connects, gets a session and publishes the manifest the server then serves', async () => {
    hub = await startHub();
    const { tunnel } = open(hub);
    const list = tracks(5);
    tunnel.setManifest(list);
    expect(tunnel.sink).toBeNull();
    tunnel.start();
    const s = await waitForStatus(
      tunnel,
      (x) => x.state === 'connected' && x.publishedTracks === 5,
    );
    expect(s.server).toBe(hub.url);
    const [session] = hub.sessions();
    expect(s.sessionId).toBe(session?.id);
    expect(tunnel.sink?.open).toBe(true);

    const res = await fetch(`${hub.url}/api/peers/${s.sessionId}/tracks`, {
      headers: { Authorization: 'Bearer tc_good' },
    });
    expect(await res.json()).toEqual(list);
    const peers = (await (
      await fetch(`${hub.url}/api/peers`, { headers: { Authorization: 'Bearer tc_good' } })
    ).json()) as {
      trackCount: number;
    }[];
    expect(peers[0]?.trackCount).toBe(5);
  });

  it('coalesces manifest bursts and does not resend an identical list', async () => {
    hub = await startHub();
    const { tunnel } = open(hub);
    const published: number[] = [];
    tunnel.on('published', (n) => published.push(n));
    tunnel.setManifest(tracks(2));
    tunnel.start();
    await waitForStatus(tunnel, (x) => x.publishedTracks === 2);
    for (let i = 3; i <= 8; i++) tunnel.setManifest(tracks(i));
    await hub.waitFor(() => hub!.tracks().length === 8);
    tunnel.setManifest(tracks(8));
    await sleep(150);
    const manifests = hub.received.filter((f) => f.type === 'manifest').length;
    expect(manifests).toBe(2);
    expect(published).toEqual([2, 8]);
  });

  it('never rewrites a manifest frame while the socket still holds it (frames share a buffer)', async () => {
    // A slow socket: each manifest's write callback comes 300 ms late, and by then its bytes must
    // still be the ones handed to send().
    const realSend = WebSocket.prototype.send;
    let checked = 0;
    const rewritten: number[] = [];
    vi.spyOn(WebSocket.prototype, 'send').mockImplementation(function (
      this: WebSocket,
      data: unknown,
      opts: unknown,
      cb?: (err?: Error) => void,
    ) {
      const send = realSend as (d: unknown, o: unknown, c?: (err?: Error) => void) => void;
      if (!Buffer.isBuffer(data) || !data.includes('"manifest"'))
        return send.call(this, data, opts, cb);
      const copy = Buffer.from(data);
      send.call(this, data, opts, (err) =>
        setTimeout(() => {
          checked++;
          if (!copy.equals(data)) rewritten.push(checked);
          cb?.(err);
        }, 300),
      );
    } as typeof WebSocket.prototype.send);
    hub = await startHub();
    const { tunnel } = open(hub, 'tc_good', { publishDebounceMs: 10 });
    tunnel.setManifest(tracks(50));
    tunnel.start();
    await waitForStatus(tunnel, (x) => x.publishedTracks === 50);
    for (let n = 60; n <= 100; n += 10) {
      tunnel.setManifest(tracks(n));
      await sleep(100);
    }
    await waitForStatus(tunnel, (x) => x.publishedTracks === 100, 5000);
    expect(hub.tracks().length).toBe(100);
    expect(checked).toBeGreaterThanOrEqual(2);
    expect(rewritten).toEqual([]);
    expect(hub.counters.rejectedManifests).toBe(0);
  });

  it('sends a valid manifest even when handed duplicates and empty titles', async () => {
    hub = await startHub();
    const { tunnel } = open(hub);
    const list = tracks(3);
    tunnel.setManifest([
      ...list,
      { ...list[0]!, title: 'dupe' },
      { ...list[1]!, id: 'zz', title: '' },
    ]);
    tunnel.start();
    await hub.waitFor(() => hub!.tracks().length === 4);
    expect(hub.counters.rejectedManifests).toBe(0);
    expect(hub.tracks().find((t) => t.id === 'zz')?.title).toBe('zz');
    expect(tunnel.lastManifestProblems.length).toBe(1);
  });

  it('answers JSON pings with a pong at once', async () => {
    hub = await startHub({ pingIntervalMs: 60_000 });
    const { tunnel } = open(hub);
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'connected');
    const t0 = Date.now();
    hub.send(s.sessionId!, { type: 'ping' });
    await hub.waitFor(() => hub!.received.some((f) => f.type === 'pong'), 1_000);
    const pong = hub.received.find((f) => f.type === 'pong')!;
    expect(pong.at - t0).toBeLessThan(500);
  });

  it('stays connected through regular hub pings (pongs keep it alive)', async () => {
    hub = await startHub({ pingIntervalMs: 50, dropAfterMs: 200 });
    const { tunnel, statuses } = open(hub, 'tc_good', { silenceTimeoutMs: 300 });
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'connected');
    await sleep(700);
    expect(tunnel.status.sessionId).toBe(s.sessionId);
    expect(statuses.filter((x) => x.state === 'connected').length).toBe(1);
    expect(hub.received.filter((f) => f.type === 'pong').length).toBeGreaterThan(5);
  });

  it('reconnects after a server restart with a new session and republishes', async () => {
    hub = await startHub();
    const { tunnel } = open(hub);
    tunnel.setManifest(tracks(3));
    tunnel.start();
    const first = await waitForStatus(
      tunnel,
      (x) => x.state === 'connected' && x.publishedTracks === 3,
    );
    const oldSink = tunnel.sink!;
    await hub.restart();
    const waiting = await waitForStatus(tunnel, (x) => x.state === 'waiting');
    expect(waiting.problem?.code).toBe('unreachable');
    expect(waiting.nextRetryAt).toBeGreaterThan(Date.now() - 50);
    expect(oldSink.open).toBe(false);
    const second = await waitForStatus(
      tunnel,
      (x) => x.state === 'connected' && x.publishedTracks === 3,
    );
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.problem).toBeUndefined();
    await hub.waitFor(() => hub!.tracks(second.sessionId).length === 3);
  });

  it('keeps retrying while the server is down, then connects', async () => {
    hub = await startHub();
    const { tunnel, statuses } = open(hub);
    tunnel.start();
    await waitForStatus(tunnel, (x) => x.state === 'connected');
    const port = hub.port;
    await hub.close();
    await sleep(400);
    const refused = statuses.filter((x) => x.state === 'waiting').length;
    expect(refused).toBeGreaterThan(1);
    expect(tunnel.status.problem?.message).toMatch(/refused|lost/);
    hub = await startHub({ port });
    await waitForStatus(tunnel, (x) => x.state === 'connected', 3_000);
  });

  it('reconnects when the server goes silent', async () => {
    hub = await startHub({ pingIntervalMs: 60_000, dropAfterMs: 60_000 });
    const { tunnel } = open(hub, 'tc_good', { silenceTimeoutMs: 250 });
    tunnel.start();
    const first = await waitForStatus(tunnel, (x) => x.state === 'connected');
    const waiting = await waitForStatus(tunnel, (x) => x.state === 'waiting', 2_000);
    expect(waiting.problem?.code).toBe('silent-server');
    const second = await waitForStatus(tunnel, (x) => x.state === 'connected');
    expect(second.sessionId).not.toBe(first.sessionId);
  });

  it('routes requests and cancels, and stop() ends in stopped with no timers left', async () => {
    hub = await startHub();
    const { tunnel } = open(hub);
    const requests: unknown[] = [];
    const cancels: string[] = [];
    const system: string[] = [];
    tunnel.on('request', (r) => requests.push(r));
    tunnel.on('cancel', (id) => cancels.push(id));
    tunnel.on('system', (t) => system.push(t));
    tunnel.start();
    const s = await waitForStatus(tunnel, (x) => x.state === 'connected');
    hub.send(s.sessionId!, { type: 'stream_request', requestId: 'r1', trackId: 'abc' });
    hub.send(s.sessionId!, { type: 'download_request', requestId: 'r2', trackId: 'def' });
    hub.send(s.sessionId!, { type: 'cancel_request', requestId: 'r1' });
    hub.send(s.sessionId!, { type: 'system', text: 'maintenance at noon' });
    await sleep(100);
    expect(requests).toEqual([
      { requestId: 'r1', trackId: 'abc', kind: 'stream' },
      { requestId: 'r2', trackId: 'def', kind: 'download' },
    ]);
    expect(cancels).toEqual(['r1']);
    expect(system).toEqual(['maintenance at noon']);
    await tunnel.stop();
    expect(tunnel.status.state).toBe('stopped');
    expect(tunnel.sink).toBeNull();
    await sleep(300);
    expect(tunnel.status.state).toBe('stopped');
    expect(hub.sessions().length).toBe(0);
  });

  it('works behind a path prefix', async () => {
    hub = await startHub({ prefix: '/tunecamp' });
    expect(hub.url).toMatch(/\/tunecamp$/);
    const { tunnel } = open(hub);
    tunnel.start();
    await waitForStatus(tunnel, (x) => x.state === 'connected');
  });
});
