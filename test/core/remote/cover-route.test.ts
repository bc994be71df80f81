import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Api } from '../../../src/shared/contract';
import type { CoverAnswer } from '../../../src/main/core/covers/cover-store';
import { coverKeyFor } from '../../../src/main/core/remote/cover-route';
import { startRemoteServer, type RemoteServer } from '../../../src/main/core/remote/remote-server';

const TOKEN = 'good-token-0123456789';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7]);
const WITH_COVER = 'a'.repeat(32);

let dir: string;
let server: RemoteServer;
let asked: string[];

const api: Api = {
  invoke: (async () => undefined) as Api['invoke'],
  on: (name, fn) => {
    const e = new EventEmitter();
    e.on(name, fn);
    return () => e.off(name, fn);
  },
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cover-route-'));
  asked = [];
  const covers = {
    get: async (id: string): Promise<CoverAnswer> => {
      asked.push(id);
      return id === WITH_COVER
        ? { status: 'cover', cover: { data: JPEG, type: 'image/jpeg' } }
        : { status: 'none' };
    },
  };
  server = await startRemoteServer({ api, port: 0, staticDir: dir, token: TOKEN, covers });
  key = await keyFromReady();
});

/** The cover key, as a page gets it: in `ready`, after its hello (the one-time code, used here). */
let key: string;
async function keyFromReady(): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/remote`);
  await new Promise((r) => ws.once('open', r));
  const ready = new Promise<{ coverKey: string }>((r) =>
    ws.once('message', (d) => r(JSON.parse(`${d}`) as { coverKey: string })),
  );
  ws.send(JSON.stringify({ t: 'hello', token: TOKEN }));
  const { coverKey } = await ready;
  ws.close();
  return coverKey;
}

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function get(p: string, opts: { method?: string; host?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: p,
          method: opts.method ?? 'GET',
          headers: { host: opts.host ?? `127.0.0.1:${server.port}` },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('covers on the remote-control server', () => {
  it('hands the cover key to a page after its hello, and only then', async () => {
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The key is not the link's code, nor a piece of it, nor made from it (the code is printed).
    expect(key).not.toContain(TOKEN);
    expect(TOKEN).not.toContain(key);
    expect(key).not.toBe(coverKeyFor(TOKEN));
  });

  it('serves a cover with the right key, as an image that cannot be sniffed or framed', async () => {
    const res = await get(`/covers/${WITH_COVER}?k=${key}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JPEG);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('answers 204 for a track without a cover (the page shows its placeholder)', async () => {
    const res = await get(`/covers/${'b'.repeat(32)}?k=${key}`);
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
  });

  it('refuses a missing or wrong key, another host name and other methods', async () => {
    expect((await get(`/covers/${WITH_COVER}`)).status).toBe(403);
    expect((await get(`/covers/${WITH_COVER}?k=${coverKeyFor('other')}`)).status).toBe(403);
    expect((await get(`/covers/${WITH_COVER}?k=${TOKEN}`)).status).toBe(403);
    const k = key;
    expect((await get(`/covers/${WITH_COVER}?k=${k}`, { host: 'evil.example:80' })).status).toBe(
      421,
    );
    expect((await get(`/covers/${WITH_COVER}?k=${k}`, { method: 'POST' })).status).toBe(405);
    expect(asked).toEqual([]);
  });
});
