import http from 'node:http';
import { afterEach, describe, it, expect } from 'vitest';
import WebSocket from 'ws';
import { startHub, type Hub } from './emulator';
import { PeerTunnel } from '../../src/main/core/tunnel/peer-tunnel';
import { waitForStatus } from '../core/tunnel/helpers';
import type { ManifestTrack } from '../../src/shared/contract';

let hub: Hub | null = null;
const closers: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await hub?.close();
  hub = null;
});

const FILE = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256));
const TRACKS: ManifestTrack[] = [
  {
    id: 'aa',
    title: 'Open',
    fileSizeBytes: FILE.length,
    mimeType: 'audio/flac',
    allowDownload: true,
  },
  { id: 'bb', title: 'Closed', fileSizeBytes: FILE.length, mimeType: '', allowDownload: false },
];

/** A peer that serves FILE for every request through the tunnel's sink; `mode` breaks it on purpose. */
async function peer(
  h: Hub,
  opts: { allowDownloads?: boolean; mode?: 'ok' | 'error-first' | 'error-late' | 'hang' } = {},
) {
  const tunnel = new PeerTunnel({
    server: h.url,
    token: 'tc_good',
    allowDownloads: opts.allowDownloads ?? true,
  });
  closers.push(() => tunnel.stop());
  const cancels: string[] = [];
  tunnel.on('cancel', (id) => cancels.push(id));
  tunnel.on('request', ({ requestId }) => {
    const sink = tunnel.sink!;
    const send = (o: object) => sink.send(JSON.stringify(o), () => undefined);
    if (opts.mode === 'error-first')
      return send({ type: 'chunk_error', requestId, message: 'unreadable' });
    const chunkSize = 64 * 1024;
    for (let seq = 0; seq * chunkSize < FILE.length; seq++) {
      const data = FILE.subarray(seq * chunkSize, (seq + 1) * chunkSize).toString('base64');
      send({ type: 'chunk', requestId, seq, data });
      if (opts.mode === 'error-late')
        return send({ type: 'chunk_error', requestId, message: 'changed' });
      if (opts.mode === 'hang') return;
    }
    send({ type: 'chunk_end', requestId });
  });
  tunnel.setManifest(TRACKS);
  tunnel.start();
  const s = await waitForStatus(tunnel, (x) => x.state === 'connected' && x.publishedTracks === 2);
  return { tunnel, sid: s.sessionId!, cancels };
}

const get = (h: Hub, path: string, init?: RequestInit) => fetch(`${h.url}${path}`, init);

describe('hub emulator', () => {
  it('streams a file through the peer with the manifest size and type', async () => {
    hub = await startHub();
    const { sid } = await peer(hub);
    const res = await get(hub, `/api/peers/${sid}/tracks/aa/stream?token=tc_good`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/flac');
    expect(res.headers.get('content-length')).toBe(String(FILE.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(FILE)).toBe(true);
    expect(hub.counters.outOfOrderChunks).toBe(0);
    expect(
      hub.received.filter((f) => f.type === 'chunk').reduce((n, f) => n + (f.bytes ?? 0), 0),
    ).toBe(FILE.length);
  });

  it('needs a token for audio and listings, and answers 404 for unknown peers and tracks', async () => {
    hub = await startHub();
    const { sid } = await peer(hub);
    expect((await get(hub, `/api/peers/${sid}/tracks/aa/stream?token=nope`)).status).toBe(401);
    expect((await get(hub, '/api/peers')).status).toBe(401);
    expect((await get(hub, `/api/peers/${sid}/tracks/zz/stream?token=tc_good`)).status).toBe(404);
    expect(
      (await get(hub, `/api/peers/nope/tracks`, { headers: { Authorization: 'Bearer tc_good' } }))
        .status,
    ).toBe(404);
  });

  it('answers 500 for chunk_error before data, and truncates after data', async () => {
    hub = await startHub();
    const first = await peer(hub, { mode: 'error-first' });
    const res = await get(hub, `/api/peers/${first.sid}/tracks/aa/stream?token=tc_good`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'unreadable' });
    await first.tunnel.stop();
    const late = await peer(hub, { mode: 'error-late' });
    // The listener sees a broken response (headers or body), never a clean short file.
    const fetchAll = async () =>
      (await get(hub!, `/api/peers/${late.sid}/tracks/aa/stream?token=tc_good`)).arrayBuffer();
    await expect(fetchAll()).rejects.toThrow();
    expect(hub.received.some((f) => f.sessionId === late.sid && f.type === 'chunk')).toBe(true);
  });

  it('sends cancel_request when the listener goes away', async () => {
    hub = await startHub();
    const { sid, cancels } = await peer(hub, { mode: 'hang' });
    await new Promise<void>((resolve) => {
      const req = http.get(`${hub!.url}/api/peers/${sid}/tracks/aa/stream?token=tc_good`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await hub.waitFor(() => cancels.length === 1, 2_000);
    const req = hub.received.find((f) => f.type === 'chunk');
    expect(cancels[0]).toBe(req?.requestId);
  });

  it('allows downloads only when server, session and track all allow them', async () => {
    hub = await startHub();
    const { sid } = await peer(hub);
    const ok = await get(hub, `/api/peers/${sid}/tracks/aa/download?token=tc_good`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toMatch(/attachment/);
    await ok.arrayBuffer();
    expect((await get(hub, `/api/peers/${sid}/tracks/bb/download?token=tc_good`)).status).toBe(403);
    await hub.close();

    hub = await startHub({ downloadsEnabled: false });
    const p2 = await peer(hub);
    expect((await get(hub, `/api/peers/${p2.sid}/tracks/aa/download?token=tc_good`)).status).toBe(
      403,
    );
    await hub.close();

    hub = await startHub();
    const p3 = await peer(hub, { allowDownloads: false });
    expect((await get(hub, `/api/peers/${p3.sid}/tracks/aa/download?token=tc_good`)).status).toBe(
      403,
    );
    expect((await get(hub, `/api/peers/${p3.sid}/tracks/aa/stream?token=tc_good`)).status).toBe(
      200,
    );
  });

  it('logs users in and the minted token opens a tunnel', async () => {
    hub = await startHub({ tokens: {}, users: { carol: 'pw' } });
    const post = (body: unknown) =>
      get(hub!, '/api/auth/login', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    expect((await post({ username: 'carol', password: 'wrong' })).status).toBe(401);
    expect((await post({ username: 'dave', password: 'pw' })).status).toBe(401);
    const { token } = (await (await post({ username: 'carol', password: 'pw' })).json()) as {
      token: string;
    };
    expect(token).toMatch(/^tc_/);
    const tunnel = new PeerTunnel({ server: hub.url, token, allowDownloads: true });
    closers.push(() => tunnel.stop());
    tunnel.start();
    await waitForStatus(tunnel, (x) => x.state === 'connected');
    expect(hub.sessions()[0]?.username).toBe('carol');
  });

  it('keeps the old list when a manifest is invalid, silently; labels untyped tracks audio/mpeg', async () => {
    hub = await startHub();
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/ws/peer?token=tc_good`);
    closers.push(() => ws.terminate());
    const auth = JSON.parse(String(await new Promise((r) => ws.once('message', r)))) as {
      sessionId: string;
    };
    const good = [{ id: 'a', title: 'A', fileSizeBytes: 9, allowDownload: true, extra: 1 }];
    ws.send(JSON.stringify({ type: 'manifest', tracks: good }));
    await hub.waitFor(() => hub!.tracks().length === 1);
    expect(hub.tracks()[0]).not.toHaveProperty('extra');
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; requestId: string };
      if (m.type !== 'stream_request') return;
      // The canonical shape takes the emulator's fast path (chunk-parse.ts); any other valid
      // JSON, here reordered and spaced, goes through JSON.parse to the same effect.
      ws.send(JSON.stringify({ type: 'chunk', requestId: m.requestId, seq: 0, data: 'YWJj' }));
      ws.send(
        `{ "seq": 1, "data": "ZGVm", "requestId": ${JSON.stringify(m.requestId)}, "type": "chunk" }`,
      );
      ws.send(JSON.stringify({ type: 'chunk', requestId: m.requestId, seq: 2, data: 'Z2hp' }));
      ws.send(JSON.stringify({ type: 'chunk_end', requestId: m.requestId }));
    });
    const res = await get(hub, `/api/peers/${auth.sessionId}/tracks/a/stream?token=tc_good`);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(await res.text()).toBe('abcdefghi');
    expect(hub.counters.outOfOrderChunks).toBe(0);
    expect(hub.received.filter((f) => f.type === 'chunk').map((f) => f.bytes)).toEqual([3, 3, 3]);
    for (const bad of [
      [{ id: 'b', title: '' }],
      [
        { id: 'c', title: 'C' },
        { id: 'c', title: 'D' },
      ],
      [{ id: 'e', title: 'E', artist: { x: 1 } }],
      'not a list',
    ]) {
      ws.send(JSON.stringify({ type: 'manifest', tracks: bad }));
    }
    await hub.waitFor(() => hub!.counters.rejectedManifests === 4);
    expect(hub.tracks().map((t) => t.id)).toEqual(['a']);
  });

  it('replaces the older session of an account with a 1005 close, and drops clients that never pong', async () => {
    hub = await startHub({ pingIntervalMs: 30, dropAfterMs: 200 });
    const url = `${hub.url.replace('http', 'ws')}/ws/peer?token=tc_good`;
    const first = new WebSocket(url);
    closers.push(() => first.terminate());
    await new Promise((r) => first.once('message', r));
    const closed = new Promise<number>((r) => first.once('close', (code) => r(code)));
    const second = new WebSocket(url);
    closers.push(() => second.terminate());
    expect(await closed).toBe(1005);
    const pings: string[] = [];
    second.on('message', (d) => pings.push(String(d)));
    const code = await new Promise<number>((r) => second.once('close', (c) => r(c)));
    expect(code).toBe(1006); // terminated for not answering pings
    expect(pings.filter((p) => p.includes('"ping"')).length).toBeGreaterThan(2);
    await hub.waitFor(() => hub!.sessions().length === 0, 1_000);
  });
});
