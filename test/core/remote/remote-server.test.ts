import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Api, Events } from '../../../src/shared/contract';
import type { RemoteServer } from '../../../src/main/core/remote/remote-server';
import { startRemoteServer } from '../../../src/main/core/remote/remote-server';

/** A fake engine at the edge: records calls, answers from a table, emits events on demand. */
function fakeApi() {
  const emitter = new EventEmitter();
  const calls: { name: string; args: unknown[] }[] = [];
  const api: Api = {
    invoke: (async (name: string, ...args: unknown[]) => {
      calls.push({ name, args });
      if (name === 'removeFolder') throw new Error('That folder is not shared');
      if (name === 'openLogs') return '/var/log/x';
      return undefined;
    }) as Api['invoke'],
    on: (name, listener) => {
      emitter.on(name, listener as (p: unknown) => void);
      return () => emitter.off(name, listener as (p: unknown) => void);
    },
  };
  const emit = <E extends keyof Events>(name: E, payload: Events[E]) => emitter.emit(name, payload);
  return { api, calls, emit, emitter };
}

let base: string;
let dir: string;
let server: RemoteServer;
let fake: ReturnType<typeof fakeApi>;

beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'remote-'));
  dir = path.join(base, 'static');
  await mkdir(dir);
  // Outside the served folder: traversal must never reach it.
  await writeFile(path.join(base, 'remote-secret.txt'), 'secret');
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  fake = fakeApi();
  server = await startRemoteServer({
    api: fake.api,
    port: 0,
    staticDir: dir,
    token: 'good-token',
    helloTimeoutMs: 300,
  });
});

afterEach(async () => {
  await server.close();
  await rm(base, { recursive: true, force: true });
});

type Reply = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

function get(p: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: p, headers, method: 'GET' },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function open(opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/remote`, opts);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
}

/** The session cookie from opening the one-time link (once per server). */
let cookie: string | undefined;
beforeEach(() => {
  cookie = undefined;
});

/** A socket of a page that came through the link: the cookie, then hello (no code needed). */
async function authed(): Promise<WebSocket> {
  if (!cookie) {
    const link = await get('/session/good-token');
    cookie = String(link.headers['set-cookie']).split(';')[0] ?? '';
  }
  const ws = await open({ headers: { cookie } });
  const ready = nextMessage(ws);
  ws.send(JSON.stringify({ t: 'hello', token: '' }));
  expect(await ready).toEqual({ t: 'ready' });
  return ws;
}

describe('remote server: authentication', () => {
  it('gives a one-time link', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/session/good-token`);
  });

  it('makes a random 32-byte code when none is given', async () => {
    const other = await startRemoteServer({ api: fake.api, port: 0, staticDir: dir });
    try {
      expect(other.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(other.url.endsWith(`/session/${other.token}`)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('exchanges the link for an HttpOnly, SameSite=Strict session cookie, once', async () => {
    const first = await get('/session/good-token');
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/^tcs_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    // A second browser opening the same link gets nothing.
    const second = await get('/session/good-token');
    expect(second.status).toBe(410);
    expect(second.body).toMatch(/already been used/);
    expect(second.headers['set-cookie']).toBeUndefined();
    // Nor does the code work in a hello any more.
    const ws = await open();
    const code = closeCode(ws);
    ws.send(JSON.stringify({ t: 'hello', token: 'good-token' }));
    expect(await code).toBe(4401);
  });

  it('lets the session cookie in, and nobody without it', async () => {
    const ws = await authed();
    ws.close();
    const other = await open({ headers: { cookie: 'tcs_session=made-up' } });
    const code = closeCode(other);
    other.send(JSON.stringify({ t: 'hello', token: '' }));
    expect(await code).toBe(4401);
  });

  it('makes a new link on demand; an unused older one stops working', async () => {
    const fresh = new URL(server.newUrl());
    expect(fresh.pathname).not.toBe('/session/good-token');
    expect((await get('/session/good-token')).status).toBe(410);
    expect((await get(fresh.pathname)).status).toBe(303);
    expect((await get(fresh.pathname)).status).toBe(410);
  });

  it('accepts the code once in the hello of a client that is not a browser', async () => {
    const ws = await open();
    const ready = nextMessage(ws);
    ws.send(JSON.stringify({ t: 'hello', token: 'good-token' }));
    expect(await ready).toEqual({ t: 'ready' });
    ws.close();
    const again = await open();
    const code = closeCode(again);
    again.send(JSON.stringify({ t: 'hello', token: 'good-token' }));
    expect(await code).toBe(4401);
  });

  it('closes with 4401 on a wrong token', async () => {
    const ws = await open();
    const code = closeCode(ws);
    ws.send(JSON.stringify({ t: 'hello', token: 'bad-token' }));
    expect(await code).toBe(4401);
  });

  it('closes with 4401 when the first message is not hello', async () => {
    const ws = await open();
    const code = closeCode(ws);
    ws.send(JSON.stringify({ t: 'call', id: 1, name: 'getSnapshot', args: [] }));
    expect(await code).toBe(4401);
    expect(fake.calls).toEqual([]);
  });

  it('closes with 4401 when no hello arrives in time', async () => {
    const ws = await open();
    expect(await closeCode(ws)).toBe(4401);
  });
});

describe('remote server: calls and events', () => {
  it('runs a valid call and returns its result', async () => {
    const ws = await authed();
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ t: 'call', id: 7, name: 'openLogs', args: [] }));
    expect(await reply).toEqual({ t: 'result', id: 7, ok: true, value: '/var/log/x' });
    ws.close();
  });

  it('rejects invalid arguments with a message and never calls the engine', async () => {
    const ws = await authed();
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ t: 'call', id: 2, name: 'setPaused', args: ['yes'] }));
    const msg = await reply;
    expect(msg).toMatchObject({ t: 'result', id: 2, ok: false });
    expect(msg.error).toMatch(/paused must be true or false/);
    const unknown = nextMessage(ws);
    ws.send(JSON.stringify({ t: 'call', id: 3, name: 'constructor', args: [] }));
    expect(await unknown).toMatchObject({
      id: 3,
      ok: false,
      error: 'unknown command "constructor"',
    });
    expect(fake.calls).toEqual([]);
    ws.close();
  });

  it('returns engine errors as messages without stacks', async () => {
    const ws = await authed();
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ t: 'call', id: 4, name: 'removeFolder', args: ['/music'] }));
    const msg = await reply;
    expect(msg).toEqual({ t: 'result', id: 4, ok: false, error: 'That folder is not shared' });
    ws.close();
  });

  it('forwards engine events to authenticated clients only', async () => {
    const ws = await authed();
    const stranger = await open();
    const strangerGot: unknown[] = [];
    stranger.on('message', (d) => strangerGot.push(d.toString()));
    const got = nextMessage(ws);
    const activity = { at: 1, level: 'info' as const, message: 'Connected' };
    fake.emit('activity', activity);
    expect(await got).toEqual({ t: 'event', name: 'activity', payload: activity });
    expect(strangerGot).toEqual([]);
    ws.close();
    stranger.close();
  });

  it('stops listening to the engine when closed', async () => {
    const other = await startRemoteServer({ api: fake.api, port: 0, staticDir: dir });
    const before = fake.emitter.listenerCount('connection');
    await other.close();
    expect(fake.emitter.listenerCount('connection')).toBe(before - 1);
  });
});

describe('remote server: origin and host checks', () => {
  it('refuses a WebSocket from a foreign origin', async () => {
    await expect(open({ origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('refuses a WebSocket with a rebound Host header', async () => {
    await expect(open({ headers: { Host: `evil.example:${server.port}` } })).rejects.toThrow(/403/);
  });

  it('accepts our own origin', async () => {
    const ws = await open({ origin: `http://localhost:${server.port}` });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('refuses HTTP requests with a foreign Host header', async () => {
    const res = await get('/', { Host: `evil.example:${server.port}` });
    expect(res.status).toBe(421);
    expect(res.body).not.toContain('<title>');
  });
});

describe('remote server: static files', () => {
  it('serves index.html with CSP, nosniff and no-store', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>x</title>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
  });

  it('serves assets with their content type', async () => {
    const res = await get('/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for missing files and traversal attempts', async () => {
    for (const p of [
      '/nope.js',
      '/../remote-secret.txt',
      '/%2e%2e/remote-secret.txt',
      '/assets/..%2f..%2fremote-secret.txt',
      '/assets/%2e%2e%5c%2e%2e%5cremote-secret.txt',
      '/%00index.html',
      '/assets',
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.body).not.toContain('secret');
    }
  });
});
