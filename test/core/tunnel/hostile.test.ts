import { afterEach, describe, it, expect } from 'vitest';
import { startHub, type Hub } from '../../hub/emulator';
import type { PeerRequest, PeerTunnel } from '../../../src/main/core/tunnel/peer-tunnel';
import { sleep, tracks, tunnelTo, waitForStatus } from './helpers';

let hub: Hub | null = null;
const tunnels: PeerTunnel[] = [];

afterEach(async () => {
  await Promise.all(tunnels.splice(0).map((t) => t.stop()));
  await hub?.close();
  hub = null;
});

async function connected(h: Hub) {
  const r = tunnelTo(h);
  tunnels.push(r.tunnel);
  r.tunnel.setManifest(tracks(2));
  r.tunnel.start();
  const s = await waitForStatus(
    r.tunnel,
    (x) => x.state === 'connected' && x.publishedTracks === 2,
  );
  return { ...r, sessionId: s.sessionId! };
}

describe('hostile server frames', () => {
  it('survives junk, counts it, and keeps the same session', async () => {
    hub = await startHub();
    const { tunnel, sessionId } = await connected(hub);
    const requests: PeerRequest[] = [];
    tunnel.on('request', (r) => requests.push(r));
    const junk: (string | Buffer | object)[] = [
      'not json at all',
      '{"type":',
      '',
      'null',
      '[]',
      '12',
      Buffer.from([0, 1, 2, 3, 255]),
      Buffer.from('{"type":"ping"}'), // binary: ignored, not answered
      { type: 'stream_request' },
      { type: 'stream_request', requestId: 'r1' },
      { type: 'download_request', requestId: 7, trackId: 'ab' },
      { type: 'cancel_request' },
      { type: 'auth_ok' },
      { type: 'auth_ok', sessionId: 'second-auth-ok' },
      { type: 'stream_request', requestId: 'x'.repeat(5000), trackId: 'ab' },
      { noType: true },
      { type: { nested: 1 } },
      { type: '__proto__' },
      { type: 'totally_new_frame', payload: [1, 2, 3] },
      { type: 'another_one' },
      { type: 'chat', from: 'x', text: 'hi' },
      { type: 'rtc_signal', sdp: {} },
      { type: 'kicked' },
    ];
    for (const j of junk) hub.send(sessionId, j);
    hub.send(sessionId, { type: 'stream_request', requestId: 'p1', trackId: '../../etc/passwd' });
    hub.send(sessionId, { type: 'stream_request', requestId: 'ok', trackId: 't0' });
    await sleep(150);
    expect(tunnel.stats.invalidFrames).toBe(17);
    expect(tunnel.stats.unknownFrames).toBe(3);
    expect(tunnel.status).toMatchObject({ state: 'connected', sessionId });
    // The path-like id is passed on as an opaque key: the transfer layer finds no such track.
    expect(requests).toEqual([
      { requestId: 'p1', trackId: '../../etc/passwd', kind: 'stream' },
      { requestId: 'ok', trackId: 't0', kind: 'stream' },
    ]);
    // Still answering pings afterwards.
    hub.send(sessionId, { type: 'ping' });
    await hub.waitFor(() => hub!.received.some((f) => f.type === 'pong'), 1_000);
    expect(hub.received.filter((f) => f.type === 'pong').length).toBe(1);
  });

  it('answers every malformed request that carries a requestId with chunk_error', async () => {
    hub = await startHub();
    const { tunnel, sessionId } = await connected(hub);
    const requests: PeerRequest[] = [];
    tunnel.on('request', (r) => requests.push(r));
    hub.send(sessionId, { type: 'stream_request', requestId: 'empty', trackId: '' });
    hub.send(sessionId, { type: 'download_request', requestId: 'none' });
    hub.send(sessionId, { type: 'stream_request', requestId: 'r'.repeat(300), trackId: 't0' });
    const answered = () =>
      hub!.received.filter((f) => f.type === 'chunk_error').map((f) => f.requestId);
    await hub.waitFor(() => answered().length === 3, 5_000);
    expect(answered()).toEqual(['empty', 'none', 'r'.repeat(300)]);
    expect(requests).toEqual([]);
    expect(tunnel.status).toMatchObject({ state: 'connected', sessionId });
  });

  it('a 20 MB frame closes that socket and the tunnel reconnects with a clear problem', async () => {
    hub = await startHub();
    const { tunnel, statuses, sessionId } = await connected(hub);
    hub.send(sessionId, JSON.stringify({ type: 'system', text: 'x'.repeat(20 * 1024 * 1024) }));
    const waiting = await waitForStatus(tunnel, (x) => x.state === 'waiting', 5_000);
    expect(waiting.problem?.code).toBe('server-error');
    expect(waiting.problem?.message).toMatch(/too large/);
    const again = await waitForStatus(
      tunnel,
      (x) => x.state === 'connected' && x.publishedTracks === 2,
      5_000,
    );
    expect(again.sessionId).not.toBe(sessionId);
    expect(statuses.some((s) => s.state === 'stopped')).toBe(false);
  });

  it('a one-off kick reconnects quickly and is not a conflict', async () => {
    hub = await startHub();
    const { tunnel, sessionId } = await connected(hub);
    hub.kick(sessionId);
    const waiting = await waitForStatus(tunnel, (x) => x.state === 'waiting');
    expect(waiting.problem?.message).toMatch(/close 1005/);
    expect(waiting.nextRetryAt! - Date.now()).toBeLessThan(1_000);
    const again = await waitForStatus(tunnel, (x) => x.state === 'connected');
    expect(again.problem).toBeUndefined();
  });

  it('the sink sends text frames and fails once its session is gone', async () => {
    hub = await startHub();
    const { tunnel, sessionId } = await connected(hub);
    const sink = tunnel.sink!;
    const sent = await new Promise<Error | undefined>((r) =>
      sink.send(Buffer.from(JSON.stringify({ type: 'chunk_end', requestId: 'zz' })), r),
    );
    expect(sent).toBeUndefined();
    await hub.waitFor(() =>
      hub!.received.some((f) => f.type === 'chunk_end' && f.requestId === 'zz'),
    );
    expect(hub.counters.invalidFrames).toBe(0); // a Buffer went out as a text frame, not binary
    expect(typeof sink.bufferedAmount).toBe('number');
    hub.kick(sessionId);
    await waitForStatus(tunnel, (x) => x.state !== 'connected');
    expect(sink.open).toBe(false);
    const err = await new Promise<Error | undefined>((r) =>
      sink.send('{"type":"chunk_end","requestId":"q"}', r),
    );
    expect(err?.message).toMatch(/closed/);
  });
});
