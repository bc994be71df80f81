/**
 * Fault 7 of issue 15: the control window's HTTP and WebSocket server (src/main/core/remote) under
 * hostile clients. Seeded random messages and raw bytes, a slowloris client and an oversized
 * frame: each may close its own connection, none may touch another client or the server.
 */
import { EventEmitter } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Api } from '../../src/shared/contract';
import { COMMAND_NAMES } from '../../src/shared/contract';
import { validateCall } from '../../src/shared/validate';
import { startRemoteServer, type RemoteServer } from '../../src/main/core/remote/remote-server';
import { FULL, prng, tempDir } from './helpers';

let dir: string;
let server: RemoteServer;
const calls: { name: string; args: unknown[] }[] = [];
let cookie = '';
beforeAll(async () => {
  dir = await tempDir('remote');
  await mkdir(path.join(dir, 'static'));
  await writeFile(path.join(dir, 'static', 'index.html'), '<!doctype html><title>x</title>');
  const events = new EventEmitter();
  const api: Api = {
    invoke: (async (name: string, ...args: unknown[]) =>
      void calls.push({ name, args })) as Api['invoke'],
    on: (name, fn) => {
      events.on(name, fn as (p: unknown) => void);
      return () => events.off(name, fn as (p: unknown) => void);
    },
  };
  server = await startRemoteServer({
    api,
    port: 0,
    staticDir: path.join(dir, 'static'),
    token: 'fuzz-token',
    helloTimeoutMs: 500,
    headersTimeoutMs: 1_000,
  });
  const link = await fetch(`http://127.0.0.1:${server.port}/session/fuzz-token`, {
    redirect: 'manual',
  });
  cookie = link.headers.get('set-cookie')?.split(';')[0] ?? '';
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A client with the session cookie, past hello when `hello` (else the fuzz says hello, or not). */
async function client(hello = true): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/remote`, { headers: { cookie } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  if (hello) {
    const ready = new Promise((r) => ws.once('message', r));
    ws.send(JSON.stringify({ t: 'hello', token: '' }));
    await ready;
  }
  ws.on('error', () => undefined);
  return ws;
}

/** A valid call on `ws` answered: the client and the server still work. */
async function answers(ws: WebSocket, id: number): Promise<boolean> {
  const reply = new Promise<Record<string, unknown>>((r) =>
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as Record<string, unknown>;
      if (m.t === 'result' && m.id === id) r(m);
    }),
  );
  ws.send(JSON.stringify({ t: 'call', id, name: 'getSnapshot', args: [] }));
  return (await reply).ok === true;
}

function randomValue(next: () => number, depth = 0): unknown {
  const pick = next() % (depth > 2 ? 5 : 8);
  const s = () =>
    String.fromCharCode(...Array.from({ length: next() % 12 }, () => next() % 0x3000));
  return [
    () => null,
    () => next() % 1000,
    () => s(),
    () => next() % 2 === 0,
    () => -1e308 * (next() % 3),
    () => Array.from({ length: next() % 4 }, () => randomValue(next, depth + 1)),
    () => ({ [s()]: randomValue(next, depth + 1), t: s() }),
    () => COMMAND_NAMES[next() % COMMAND_NAMES.length],
  ][pick]!();
}

describe('the control window server', () => {
  let steady: WebSocket;
  beforeAll(async () => {
    steady = await client();
  });

  it('survives seeded random messages and bytes; a client hit by them is the only one closed', async () => {
    const next = prng(7);
    const rounds = FULL ? 3000 : 400;
    for (let i = 0; i < rounds; i++) {
      const ws = await client(next() % 4 !== 0); // most past hello: the calls are reached
      const kind = next() % 3;
      if (kind === 0) ws.send(Buffer.from(Array.from({ length: next() % 64 }, () => next() % 256)));
      else if (kind === 1) ws.send(JSON.stringify(randomValue(next)));
      else
        ws.send(
          JSON.stringify({
            t: ['hello', 'call', 'x'][next() % 3],
            id: randomValue(next),
            name: randomValue(next),
            args: randomValue(next),
            token: randomValue(next),
          }),
        );
      ws.terminate();
    }
    expect(await answers(steady, 1)).toBe(true);
    // Whatever reached the engine had passed validation: no fuzzed argument got through unchecked.
    const unchecked = calls.filter((c) => !validateCall(c.name, c.args).ok);
    expect(unchecked).toEqual([]);
    process.stderr.write(
      `faults: ${rounds} fuzzed clients, ${calls.length} valid calls reached the engine\n`,
    );
  });

  it('raw garbage after the upgrade closes only that socket', async () => {
    const next = prng(11);
    for (let i = 0; i < (FULL ? 300 : 40); i++) {
      const sock = net.connect(server.port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      sock.on('error', () => undefined);
      sock.write(
        'GET /remote HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      sock.write(Buffer.from(Array.from({ length: 1 + (next() % 200) }, () => next() % 256)));
      sock.destroy();
    }
    expect(await answers(steady, 2)).toBe(true);
  });

  it('an oversized frame closes that connection (1009) and no other', async () => {
    const big = await client(false);
    const closed = new Promise<number>((r) => big.once('close', (code) => r(code)));
    big.send(Buffer.alloc(1024 * 1024 + 1, 0x41));
    expect(await closed).toBe(1009);
    expect(await answers(steady, 3)).toBe(true);
  });

  it('a slowloris client is timed out with 408 within the headers timeout', async () => {
    const sock = net.connect(server.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let reply = '';
    sock.on('data', (d: Buffer) => (reply += d.toString()));
    const t0 = performance.now();
    const closed = new Promise((r) => sock.once('close', r));
    sock.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => sock.writable && sock.write('X-a: b\r\n'), 200);
    await closed;
    clearInterval(drip);
    const took = performance.now() - t0;
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(took).toBeLessThan(1_000 + 1_000 + 2_000); // timeout + check interval + a loaded machine
    expect(await answers(steady, 4)).toBe(true);
  });

  it('1,000 idle connections cost bounded memory and are closed after the headers timeout', async () => {
    const n = 1000;
    const socks: net.Socket[] = [];
    let closed = 0;
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    for (let i = 0; i < n; i++) {
      const sock = net.connect(server.port, '127.0.0.1');
      sock.on('error', () => undefined).on('close', () => closed++);
      socks.push(sock);
    }
    await Promise.all(socks.map((s) => new Promise((r) => s.once('connect', r))));
    const grew = process.memoryUsage().rss - rss0;
    const t0 = performance.now();
    await expect.poll(() => closed, { timeout: 5_000, interval: 50 }).toBe(n);
    const took = performance.now() - t0;
    process.stderr.write(
      `faults: ${n} idle connections: RSS +${(grew / 2 ** 20).toFixed(1)} MiB (both ends in this process), all closed by the server after ${Math.round(took)} ms\n`,
    );
    expect(grew).toBeLessThan(64 * 2 ** 20);
    expect(await answers(steady, 5)).toBe(true);
  });
});
