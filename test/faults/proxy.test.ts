/**
 * Issue 15: users behind a corporate proxy. A real forward proxy on 127.0.0.1 (connect-proxy.ts)
 * records every CONNECT. The tunnel and the login must go through it when HTTP(S)_PROXY says so,
 * carry the proxy's credentials, bypass it per NO_PROXY, and name the proxy when it refuses.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src/shared/contract';
import { closeServerProxies } from '../../src/main/core/net/proxy';
import { loginWithPassword } from '../../src/main/core/server-auth';
import { startHub, type Hub } from '../hub/emulator';
import { makeWav, startEngine } from '../e2e/helpers';
import { startConnectProxy, type ConnectProxy } from './connect-proxy';
import { streamsWhole } from './daemon';
import { tempDir } from './helpers';

const VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];
let hub: Hub;
let proxy: ConnectProxy;
let dir: string;
let music: string;
let wav: Buffer;
beforeAll(async () => {
  hub = await startHub({ users: { alice: 'pw' } });
  proxy = await startConnectProxy();
  dir = await tempDir('proxy');
  music = path.join(dir, 'music');
  await mkdir(music);
  wav = makeWav(2 * 1024 * 1024, 9);
  await writeFile(path.join(music, 'a.wav'), wav);
});
afterEach(async () => {
  await closeServerProxies(); // the login calls above keep their tunnels otherwise
  for (const v of VARS) delete process.env[v];
  proxy.mode.needAuth = undefined;
  proxy.mode.refuse = undefined;
});
afterAll(async () => {
  await proxy?.close();
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

const hubTarget = () => `127.0.0.1:${hub.port}`;

/** Starts an engine on the hub; resolves with the first status carrying a problem, or connected. */
async function engineOutcome(): Promise<{ status: ConnectionStatus; stop: () => Promise<void> }> {
  const before = hub.sessions().length;
  const { engine, stop } = await startEngine(hub, [music]);
  const seen: ConnectionStatus[] = [];
  engine.on('connection', (s) => seen.push(s));
  seen.push((await engine.invoke('getSnapshot')).connection); // a status set during start()
  const t0 = performance.now();
  for (;;) {
    const found = seen.find((s) => s.state === 'connected' || s.problem);
    if (found && (found.state !== 'connected' || hub.sessions().length > before))
      return { status: found, stop };
    if (performance.now() - t0 > 15_000) throw new Error(`no outcome: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('HTTP(S)_PROXY', () => {
  it('the tunnel and the login go through the proxy with its credentials (CONNECT, Basic)', async () => {
    proxy.mode.needAuth = 'corp user:p@ss';
    process.env.HTTP_PROXY = `http://corp%20user:p%40ss@127.0.0.1:${proxy.port}`;
    const { status, stop } = await engineOutcome();
    try {
      expect(status.state).toBe('connected');
      await hub.waitFor(() => hub.tracks().length === 1, 10_000);
      expect(await streamsWhole(hub, new Map([['a', wav]]))).toBe(true);
      expect(proxy.seen).toContainEqual({ target: hubTarget(), auth: 'corp user:p@ss' });
    } finally {
      await stop(); // closes the kept-alive tunnels of the REST calls, so the login needs its own
    }
    const n = proxy.seen.length;
    const login = await loginWithPassword(hub.url, 'alice', 'pw');
    expect(login.ok).toBe(true);
    expect(proxy.seen.slice(n)).toContainEqual({ target: hubTarget(), auth: 'corp user:p@ss' });
    expect(proxy.plain).toEqual([]); // never a forwarded absolute-URI request: always CONNECT
  });

  it.each([
    ['the host', () => '127.0.0.1'],
    ['host:port', () => hubTarget()],
    ['*', () => '*'],
    ['a list with a suffix', () => 'example.invalid, .test.invalid,127.0.0.1'],
  ])('NO_PROXY with %s bypasses the proxy', async (_name, noProxy) => {
    process.env.http_proxy = proxy.url;
    process.env.no_proxy = noProxy();
    const n = proxy.seen.length;
    const { status, stop } = await engineOutcome();
    try {
      expect(status.state).toBe('connected');
      expect((await loginWithPassword(hub.url, 'alice', 'pw')).ok).toBe(true);
      expect(proxy.seen.length).toBe(n);
    } finally {
      await stop();
    }
  });

  it('NO_PROXY for another port does not bypass it', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = `127.0.0.1:${hub.port + 1}`;
    const n = proxy.seen.length;
    const { status, stop } = await engineOutcome();
    await stop();
    expect(status.state).toBe('connected');
    expect(proxy.seen.slice(n).map((s) => s.target)).toContain(hubTarget());
  });

  it.each([
    [407, /proxy http:\/\/127\.0\.0\.1:\d+ refused the connection \(407\).*user and password/],
    [502, /proxy http:\/\/127\.0\.0\.1:\d+ could not reach the server \(502\)/],
  ])(
    'a proxy answering %i: the tunnel and the login say so, naming the proxy',
    async (code, re) => {
      if (code === 407) proxy.mode.needAuth = 'someone:else';
      else proxy.mode.refuse = code;
      process.env.HTTP_PROXY = proxy.url;
      const { status, stop } = await engineOutcome();
      await stop();
      expect(status.problem?.message).toMatch(re);
      expect(status.problem?.message).not.toMatch(/answered 40|The server/);
      const login = await loginWithPassword(hub.url, 'alice', 'pw');
      expect(login.ok ? 'ok' : login.problem.message).toMatch(re);
    },
  );

  it('a proxy that is not there is named, not the server', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    process.env.HTTP_PROXY = `http://user:secret@127.0.0.1:${port}`;
    const { status, stop } = await engineOutcome();
    await stop();
    const re = new RegExp(
      `Cannot reach the proxy http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`,
    );
    expect(status.problem?.message).toMatch(re);
    expect(status.problem?.message).not.toContain('secret');
    const login = await loginWithPassword(hub.url, 'alice', 'pw');
    expect(login.ok ? 'ok' : login.problem.message).toMatch(re);
  });

  it('a proxy setting that is not an http(s) URL stops with a message saying so', async () => {
    process.env.HTTP_PROXY = 'socks5://127.0.0.1:1080';
    const { status, stop } = await engineOutcome();
    await stop();
    expect(status.problem?.message).toMatch(/proxy socks5:\/\/127\.0\.0\.1:1080 is not supported/);
  });
});
