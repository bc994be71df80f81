import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { AddressInfo } from 'node:net';
import {
  REFUSED_MESSAGE,
  RemoteClient,
  reconnectDelay,
  remoteUrl,
  type SocketLike,
} from '../../src/renderer/src/lib/transport/ws-client';
import { tokenFromHash, wantsMock } from '../../src/renderer/src/lib/transport';
import type { ConnectionStatus } from '../../src/shared/contract';

const TOKEN = 'secret-remote-token';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A tiny stand-in for the daemon's remote server, speaking remote-protocol.ts. */
async function server(port = 0) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/remote' });
  await new Promise((r) => wss.once('listening', r));
  const seen: unknown[] = [];
  wss.on('connection', (ws) => {
    let authed = false;
    ws.on('message', (raw: RawData) => {
      const msg = JSON.parse(String(raw));
      seen.push(msg);
      if (!authed) {
        if (msg.t !== 'hello' || msg.token !== TOKEN) return ws.close(4401, 'bad token');
        authed = true;
        return ws.send(JSON.stringify({ t: 'ready' }));
      }
      if (msg.name === 'openLogs')
        return ws.send(JSON.stringify({ t: 'result', id: msg.id, ok: true, value: '/logs' }));
      if (msg.name === 'setPaused') {
        const payload: ConnectionStatus = { state: 'paused', since: 1, publishedTracks: 0 };
        ws.send(JSON.stringify({ t: 'event', name: 'connection', payload }));
        return ws.send(JSON.stringify({ t: 'result', id: msg.id, ok: true, value: null }));
      }
      ws.send(JSON.stringify({ t: 'result', id: msg.id, ok: false, error: `no ${msg.name} here` }));
    });
  });
  const port_ = (wss.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    });
  return { wss, port: port_, seen, stop };
}

function client(port: number, token = TOKEN) {
  const c = new RemoteClient({
    url: `ws://127.0.0.1:${port}/remote`,
    token,
    connect: (url) => new WebSocket(url) as unknown as SocketLike,
    baseDelayMs: 50,
    maxDelayMs: 200,
    callTimeoutMs: 3000,
  });
  cleanups.push(() => c.close());
  return c;
}

describe('RemoteClient', () => {
  it('sends hello first, then calls, and resolves results and errors', async () => {
    const s = await server();
    cleanups.push(() => void s.stop());
    const c = client(s.port);
    c.start(); // calls made before the socket opens are queued behind hello
    await expect(c.invoke('openLogs')).resolves.toBe('/logs');
    await expect(c.invoke('signOut')).rejects.toThrow('no signOut here');
    expect(s.seen[0]).toEqual({ t: 'hello', token: TOKEN });
    expect(s.seen[1]).toMatchObject({ t: 'call', name: 'openLogs', args: [] });
    expect(c.link.state).toBe('ready');
  });

  it('delivers events to listeners, and stops after unsubscribe', async () => {
    const s = await server();
    cleanups.push(() => void s.stop());
    const c = client(s.port);
    c.start();
    const got: string[] = [];
    const off = c.on('connection', (p) => got.push(p.state));
    await c.invoke('setPaused', true);
    expect(got).toEqual(['paused']);
    off();
    await c.invoke('setPaused', true);
    expect(got).toEqual(['paused']);
  });

  it('reports a refused token (4401) and does not retry', async () => {
    const s = await server();
    cleanups.push(() => void s.stop());
    const c = client(s.port, 'wrong');
    const states: string[] = [];
    c.onLink((l) => states.push(l.state));
    c.start();
    await expect(c.invoke('openLogs')).rejects.toThrow(REFUSED_MESSAGE);
    expect(c.link.state).toBe('unauthorized');
    // The daemon prints one-time /session/ links (issue 12); "#token=…" links are gone.
    expect(c.link.message).toContain('/session/');
    expect(c.link.message).not.toContain('#token');
    await new Promise((r) => setTimeout(r, 300));
    expect(states.filter((x) => x === 'connecting')).toHaveLength(1);
    await expect(c.invoke('openLogs')).rejects.toThrow(/no session with the daemon/);
  });

  it('reconnects after the daemon restarts, keeping listeners', async () => {
    let s = await server();
    const port = s.port;
    const c = client(port);
    c.start();
    await c.invoke('openLogs');
    const got: string[] = [];
    c.on('connection', (p) => got.push(p.state));
    const states: string[] = [];
    c.onLink((l) => states.push(l.state));
    await s.stop();
    for (let i = 0; i < 100 && c.link.state === 'ready'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(c.link.state).not.toBe('ready');
    s = await server(port);
    cleanups.push(() => void s.stop());
    for (let i = 0; i < 100 && c.link.state !== 'ready'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(states[0]).toBe('disconnected');
    expect(c.link.state).toBe('ready');
    await c.invoke('setPaused', true);
    expect(got).toEqual(['paused']);
  });
});

describe('helpers', () => {
  it('builds the remote URL from the page location', () => {
    expect(remoteUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe(
      'ws://127.0.0.1:8080/remote',
    );
    expect(remoteUrl({ protocol: 'https:', host: 'box:1' })).toBe('wss://box:1/remote');
  });
  it('backs off exponentially with bounded jitter', () => {
    expect(reconnectDelay(0, 500, 15_000, () => 0.5)).toBe(500);
    expect(reconnectDelay(3, 500, 15_000, () => 0.5)).toBe(4000);
    expect(reconnectDelay(30, 500, 15_000, () => 0.5)).toBe(15_000);
    expect(reconnectDelay(0, 500, 15_000, () => 0)).toBe(400);
    expect(reconnectDelay(0, 500, 15_000, () => 1)).toBe(600);
  });
  it('reads the token and mock flag from the hash', () => {
    expect(tokenFromHash('#token=abc%2Bdef')).toBe('abc+def');
    expect(tokenFromHash('#mock')).toBeUndefined();
    expect(wantsMock('#mock')).toBe(true);
    expect(wantsMock('#mock=fresh')).toBe(true);
    expect(wantsMock('#token=x')).toBe(false);
  });
});
